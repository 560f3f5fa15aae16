import type {AccessDraft} from './app-state.js';
import {
  focusAt,
  formFocusReducer,
  visibleFocus,
  type FormFocus,
  type FormFocusAction,
  type RowKind,
} from './components/form-focus.js';

/**
 * The Access screen's own state: the focus in the cluster-wide form, and the
 * host whose override is open (with its own focus). The values themselves
 * live in the wizard state, so Esc and back lose nothing.
 */
export interface AccessScreenState {
  readonly main: FormFocus;
  readonly host: {readonly id: string; readonly focus: FormFocus} | undefined;
  /** The list of methods is open under Authentication (Enter there): it has the keyboard. */
  readonly picking: boolean;
}

export type AccessScreenAction =
  | {readonly type: 'main'; readonly action: FormFocusAction}
  | {readonly type: 'host'; readonly action: FormFocusAction}
  | {readonly type: 'open-host'; readonly id: string; readonly kinds: readonly RowKind[]}
  /** Back to the list, on the row of the host that was open (`row`), not editing. */
  | {readonly type: 'close-host'; readonly row: number}
  | {readonly type: 'pick'; readonly open: boolean};

export const initialAccessScreenState = (kinds: readonly RowKind[]): AccessScreenState => ({
  main: focusAt(0, kinds),
  host: undefined,
  picking: false,
});

export const accessScreenReducer = (
  state: AccessScreenState,
  action: AccessScreenAction,
): AccessScreenState => {
  switch (action.type) {
    case 'main':
      return {...state, main: formFocusReducer(state.main, action.action)};
    case 'host':
      return state.host
        ? {
            ...state,
            host: {...state.host, focus: formFocusReducer(state.host.focus, action.action)},
          }
        : state;
    case 'open-host':
      return {...state, host: {id: action.id, focus: focusAt(0, action.kinds)}, picking: false};
    case 'close-host':
      return {
        host: undefined,
        main: {row: Math.max(0, action.row), editing: false},
        picking: false,
      };
    case 'pick':
      return state.picking === action.open ? state : {...state, picking: action.open};
  }
};

/** The rows of the Access screen: the form, the hosts, and the actions. */
export type AccessRow =
  | 'user'
  | 'auth'
  | 'keyFile'
  | 'apiKeyFile'
  | 'continue'
  | 'remove'
  | 'done'
  | {readonly host: string};

/** The key-file row exists only while a key file is the method. */
export const formRows = (draft: AccessDraft): AccessRow[] =>
  draft.auth === 'key' ? ['user', 'auth', 'keyFile'] : ['user', 'auth'];

/** The text rows: SSH user and key file (cluster or host), and the cluster's route API key file. */
export type AccessTextField = 'user' | 'keyFile' | 'apiKeyFile';

export const kindOf = (row: AccessRow): RowKind => {
  if (typeof row === 'object') return 'item';
  if (row === 'user' || row === 'keyFile' || row === 'apiKeyFile') return 'text';
  return row === 'auth' ? 'choice' : 'action';
};

export interface AccessInputs {
  readonly nodes: ReadonlyArray<{readonly id: string}>;
  readonly access: AccessDraft;
  readonly hostAccess: Readonly<Record<string, AccessDraft>>;
  /** Whether the endpoint is a route to approve (the Tailscale VIP; a LAN VIP moves by ARP). @default true */
  readonly routeApproval?: boolean;
}

/**
 * The cluster-wide rows: SSH access, then the route API key where there are
 * routes to approve, which is the cluster's alone (a host override has no such row).
 */
export const clusterRows = (draft: AccessDraft, routeApproval = true): AccessRow[] =>
  routeApproval ? [...formRows(draft), 'apiKeyFile'] : formRows(draft);

/** What the screen shows and where the keys go, derived from its state and the inputs. */
export interface AccessLayout {
  readonly mainRows: readonly AccessRow[];
  readonly mainKinds: readonly RowKind[];
  /** The host whose override is open, if any. */
  readonly openHost: string | undefined;
  readonly rows: readonly AccessRow[];
  readonly kinds: readonly RowKind[];
  readonly focus: FormFocus;
  readonly row: AccessRow | undefined;
  /** The draft being edited: the open host's (its override, else the cluster's), or the cluster's. */
  readonly draft: AccessDraft;
}

export const accessLayout = (state: AccessScreenState, inputs: AccessInputs): AccessLayout => {
  const {nodes, access, hostAccess, routeApproval} = inputs;
  const mainRows: AccessRow[] = [
    ...clusterRows(access, routeApproval),
    ...nodes.map((node) => ({host: node.id})),
    'continue',
  ];
  const mainKinds = mainRows.map(kindOf);
  const openHost =
    state.host && nodes.some((node) => node.id === state.host?.id) ? state.host.id : undefined;
  if (!openHost || !state.host) {
    const focus = visibleFocus(state.main, mainKinds);
    return {
      mainRows,
      mainKinds,
      openHost: undefined,
      rows: mainRows,
      kinds: mainKinds,
      focus,
      row: mainRows[focus.row],
      draft: access,
    };
  }
  const draft = hostAccess[openHost] ?? access;
  const rows: AccessRow[] = [
    ...formRows(draft),
    ...(hostAccess[openHost] ? (['remove'] as const) : []),
    'done',
  ];
  const kinds = rows.map(kindOf);
  const focus = visibleFocus(state.host.focus, kinds);
  return {mainRows, mainKinds, openHost, rows, kinds, focus, row: rows[focus.row], draft};
};

/** The index of `host`'s row in the list. */
export const hostRow = (layout: AccessLayout, host: string): number =>
  layout.mainRows.findIndex((row) => typeof row === 'object' && row.host === host);
