import {Box, Text} from 'ink';
import type {Role} from '../source/core/plan/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {accessKeyHints, useAccessKeys} from './access-keys.js';
import {
  accessLayout,
  accessScreenReducer,
  clusterRows,
  initialAccessScreenState,
  kindOf,
  type AccessRow,
  type AccessTextField,
} from './access-state.js';
import {useSyncReducer} from './components/use-sync-reducer.js';
import {stepBlockers, type AccessDraft, type AuthKind} from './app-state.js';
import {TableRow} from './components/table-row.js';
import {Choice} from './components/choice.js';
import {SelectList} from './components/select-list.js';
import {ContinueLine} from './components/continue-line.js';
import {FindingList, findingsHeight} from './components/finding-lines.js';
import type {FormFocus} from './components/form-focus.js';
import {Frame} from './components/frame.js';
import {bodyRows, type Size} from './components/layout.js';
import {windowAround} from './components/scroll.js';
import type {TextEdit} from './components/text-edit.js';
import {TextField} from './components/text-field.js';
import {symbols, theme} from './theme.js';

export const authOptions: ReadonlyArray<{readonly value: AuthKind; readonly label: string}> = [
  {value: 'agent', label: 'ssh-agent'},
  {value: 'key', label: 'key file'},
  {value: 'tailscale-ssh', label: 'Tailscale SSH'},
];

export const describeAccess = (draft: AccessDraft): string => {
  switch (draft.auth) {
    case 'agent':
      return `${draft.user} · ssh-agent`;
    case 'key':
      return `${draft.user} · key file ${draft.keyFile || '(no path yet)'}`;
    case 'tailscale-ssh':
      return `${draft.user} · Tailscale SSH`;
  }
};

export interface AccessNode {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export interface AccessScreenProps {
  readonly size: Size;
  /** The cluster's nodes, control planes first. */
  readonly nodes: readonly AccessNode[];
  readonly access: AccessDraft;
  readonly hostAccess: Readonly<Record<string, AccessDraft>>;
  /** The route API key file (a path; empty: routes approved by hand). */
  readonly apiKeyFile: string;
  /** Whether the endpoint has routes to approve; without, the key row is left out. @default true */
  readonly routeApproval?: boolean;
  /** Findings about access, from `validatePlan`. */
  readonly findings: readonly Finding[];
  readonly isActive: boolean;
  /** `host` undefined: the cluster-wide setting; a peer ID: that host's override. */
  readonly onEdit: (host: string | undefined, field: AccessTextField, edit: TextEdit) => void;
  /** → (1) or ← (-1) through ssh-agent, key file, Tailscale SSH. */
  readonly onCycleAuth: (host: string | undefined, delta: number) => void;
  /** A method picked from the list (Enter on Authentication). */
  readonly onSetAuth: (host: string | undefined, auth: AuthKind) => void;
  readonly onClearOverride: (id: string) => void;
  /**
   * Asks to move on. The app validates the latest inputs (which may be newer
   * than this render's findings) and moves on unless errors block; it returns
   * those blocking errors, empty when it moved on.
   */
  readonly onContinue: () => readonly Finding[];
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

const labelWidth = 16;

/** Rows the open list of methods adds under Authentication. */
const pickerRows = authOptions.length;

const AccessForm = ({
  draft,
  rows,
  focus,
  width,
  picker,
}: {
  readonly draft: AccessDraft;
  readonly rows: readonly AccessRow[];
  readonly focus: FormFocus;
  readonly width: number;
  /** The list of methods, when open: it owns the keyboard. */
  readonly picker?: {readonly isFocused: boolean; readonly onSelect: (auth: AuthKind) => void};
}) => (
  <Box flexDirection="column">
    <TextField
      label="SSH user"
      value={draft.user}
      isHighlighted={rows[focus.row] === 'user'}
      isEditing={focus.editing && rows[focus.row] === 'user'}
      labelWidth={labelWidth}
      width={width}
    />
    <Choice
      label="Authentication"
      options={authOptions}
      value={draft.auth}
      isHighlighted={rows[focus.row] === 'auth'}
      labelWidth={labelWidth}
    />
    {picker ? (
      <SelectList
        options={authOptions}
        initial={draft.auth}
        isFocused={picker.isFocused}
        onSelect={picker.onSelect}
        indent={2 + labelWidth}
      />
    ) : null}
    {draft.auth === 'key' ? (
      <TextField
        label="Key file"
        value={draft.keyFile}
        isHighlighted={rows[focus.row] === 'keyFile'}
        isEditing={focus.editing && rows[focus.row] === 'keyFile'}
        labelWidth={labelWidth}
        width={width}
        hint={draft.keyFile ? '' : 'e.g. ~/.ssh/id_ed25519'}
      />
    ) : null}
  </Box>
);

const Pointer = ({on}: {readonly on: boolean}) => (
  <Box width={2} flexShrink={0}>
    <Text color={theme.cursor}>{on ? symbols.pointer : ' '}</Text>
  </Box>
);

/** Step 4: how the wizard will log in to the nodes, for the cluster and per host. */
export const AccessScreen = (props: AccessScreenProps) => {
  const {size, nodes, access, hostAccess, findings, isActive, routeApproval = true} = props;
  const width = size.columns;
  const blockers = stepBlockers('access', findings);

  const inputs = {nodes, access, hostAccess, routeApproval};
  const [state, dispatch, stateRef] = useSyncReducer(accessScreenReducer, () =>
    initialAccessScreenState(clusterRows(access, routeApproval).map(kindOf)),
  );
  const {rows, focus, row, openHost: openId} = accessLayout(state, inputs);
  const openHost = openId ? nodes.find((node) => node.id === openId) : undefined;
  const hostDraft = openHost ? (hostAccess[openHost.id] ?? access) : undefined;

  const picker = state.picking
    ? {
        isFocused: isActive,
        onSelect: (auth: AuthKind) => {
          props.onSetAuth(openHost?.id, auth);
          dispatch({type: 'pick', open: false});
        },
      }
    : undefined;

  useAccessKeys({
    isActive,
    stateRef,
    dispatch,
    inputs,
    onEdit: props.onEdit,
    onCycleAuth: props.onCycleAuth,
    onClearOverride: props.onClearOverride,
    onContinue: props.onContinue,
    onBack: props.onBack,
    onQuit: props.onQuit,
  });

  if (openHost && hostDraft) {
    const overridden = Boolean(hostAccess[openHost.id]);
    return (
      <Frame
        size={size}
        step="access"
        keys={accessKeyHints(row, focus.editing, true, state.picking)}
      >
        <Text bold wrap="truncate-end">
          Override for {openHost.name}
          <Text dimColor>
            {overridden ? '' : ' (now the cluster default; a change makes an override)'}
          </Text>
        </Text>
        <Text> </Text>
        <AccessForm
          draft={hostDraft}
          rows={rows}
          focus={focus}
          width={width}
          {...(picker ? {picker} : {})}
        />
        <Text> </Text>
        {rows.includes('remove') ? (
          <Box>
            <Pointer on={row === 'remove'} />
            <Text bold={row === 'remove'}>Remove override (use the cluster default)</Text>
          </Box>
        ) : null}
        <Box>
          <Pointer on={row === 'done'} />
          <Text bold={row === 'done'}>Done</Text>
        </Box>
      </Frame>
    );
  }

  // Title, form, blank, hosts heading, findings, blank, continue line.
  const fixed =
    1 +
    clusterRows(access, routeApproval).length +
    (picker ? pickerRows : 0) +
    2 +
    findingsHeight(findings, width) +
    2;
  const hostHeight = Math.max(2, bodyRows(size) - fixed);
  const hostStart = clusterRows(access, routeApproval).length;
  const hostCursor = typeof row === 'object' ? focus.row - hostStart : 0;
  const window = windowAround(hostCursor, nodes.length, hostHeight);
  const nameWidth = Math.max(12, Math.min(24, Math.floor(width / 4)));
  return (
    <Frame
      size={size}
      step="access"
      keys={accessKeyHints(row, focus.editing, false, state.picking)}
    >
      <Text wrap="truncate-end" dimColor>
        {row === 'apiKeyFile'
          ? 'With an API key the run approves each VIP route itself; without, it shows how.'
          : 'How the wizard logs in to the nodes over SSH.'}
      </Text>
      <AccessForm
        draft={access}
        rows={rows}
        focus={focus}
        width={width}
        {...(picker ? {picker} : {})}
      />
      {routeApproval ? (
        <TextField
          label="Route API key"
          value={props.apiKeyFile}
          isHighlighted={row === 'apiKeyFile'}
          isEditing={focus.editing && row === 'apiKeyFile'}
          labelWidth={labelWidth}
          width={width}
          // Short enough for 80 columns: the field truncates from the start.
          hint={props.apiKeyFile ? '' : 'optional: a Headscale/Tailscale API key file'}
        />
      ) : null}
      <Text> </Text>
      <Text bold wrap="truncate-end">
        Per-host overrides <Text dimColor>(Enter on a host to change its user or method)</Text>
      </Text>
      <Box flexDirection="column" height={hostHeight}>
        {nodes.slice(window.start, window.end).map((node) => {
          const override = hostAccess[node.id];
          const isCursor = typeof row === 'object' && row.host === node.id;
          return (
            <TableRow
              key={node.id}
              cells={[
                {text: isCursor ? symbols.pointer : ' ', width: 2, color: theme.cursor},
                {text: node.name, width: nameWidth, bold: isCursor},
                {
                  text: node.role === 'control-plane' ? 'control plane' : 'worker',
                  width: 15,
                  dim: true,
                },
                {
                  text: override
                    ? `${describeAccess(override)} (override)`
                    : `${describeAccess(access)} (default)`,
                  dim: !override,
                },
              ]}
            />
          );
        })}
      </Box>
      <FindingList findings={findings} width={width} />
      <Text> </Text>
      <ContinueLine
        blockers={blockers}
        isHighlighted={row === 'continue'}
        label="Continue to Review"
      />
    </Frame>
  );
};
