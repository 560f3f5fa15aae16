import type {PlanChoices} from '../source/core/plan/build.js';
import {defaults} from '../source/core/plan/defaults.js';
import {
  defaultEndpoint,
  endpointKinds,
  isLanEndpoint,
  type EndpointKind,
} from '../source/core/plan/endpoint.js';
import {rolesFromTags} from '../source/core/plan/role-tags.js';
import {suggestRoles} from '../source/core/plan/suggest-roles.js';
import type {Access, AuthMethod} from '../source/core/plan/types.js';
import type {Tailnet} from '../source/core/tailnet/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {applyEdit, type TextEdit} from './components/text-edit.js';

export const steps = ['discover', 'roles', 'network', 'access', 'review'] as const;
export type Step = (typeof steps)[number];

export const stepTitles: Readonly<Record<Step, string>> = {
  discover: 'Discover',
  roles: 'Roles',
  network: 'Network',
  access: 'Access',
  review: 'Review',
};

export type AuthKind = AuthMethod['kind'];

/**
 * SSH access as the user is editing it. The key file is kept while another
 * method is selected, so switching back and forth loses nothing.
 */
export interface AccessDraft {
  readonly user: string;
  readonly auth: AuthKind;
  readonly keyFile: string;
}

export type NetworkField = 'vip' | 'podCidr' | 'serviceCidr' | 'kubernetesVersion' | 'clusterName';
export type NetworkInputs = Readonly<Record<NetworkField, string>>;

export type RoleChoice = 'control-plane' | 'worker' | 'none';

export const roleOrder: readonly RoleChoice[] = ['none', 'control-plane', 'worker'];
export const authOrder: readonly AuthKind[] = ['agent', 'key', 'tailscale-ssh'];

/** The value `delta` places after `value` in `values`, wrapping around. */
export const cycle = <V>(values: readonly V[], value: V, delta: number): V => {
  const index = values.indexOf(value);
  return values[(((index + delta) % values.length) + values.length) % values.length] ?? value;
};

/** Everything the user has entered, and which screen they are on. */
export interface WizardState {
  readonly step: Step;
  /** Undefined until a tailnet is read or the demo is loaded. */
  readonly tailnet: Tailnet | undefined;
  /** Peer IDs; the first is the init node. */
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  /** The user confirmed an even control-plane count. Reset whenever that count changes. */
  readonly allowEvenControlPlanes: boolean;
  readonly network: NetworkInputs;
  /** What gives the API its address, chosen on the Network screen. */
  readonly endpoint: EndpointKind;
  readonly access: AccessDraft;
  /** Per-host overrides by peer ID. */
  readonly hostAccess: Readonly<Record<string, AccessDraft>>;
  /** Roles was shown for this tailnet: its role tags have had their one chance to fill it. */
  readonly rolesVisited: boolean;
  /** Where the roles came from (tags, or a suggestion with a line per machine); cleared by a change. */
  readonly roleNotes: readonly string[];
  /**
   * A file holding a Headscale or Tailscale API key, so the run approves each
   * control plane's VIP route itself; empty: approved by hand. Only the path
   * is kept here, never the key.
   */
  readonly apiKeyFile: string;
}

export type InitialValues = Partial<{
  endpoint: EndpointKind;
  vip: string;
  podCidr: string;
  serviceCidr: string;
  kubernetesVersion: string;
  clusterName: string;
  sshUser: string;
  apiKeyFile: string;
}>;

export const initialState = (
  tailnet: Tailnet | undefined,
  initial: InitialValues = {},
): WizardState => ({
  step: 'discover',
  tailnet,
  controlPlanes: [],
  workers: [],
  allowEvenControlPlanes: false,
  network: {
    vip: initial.vip ?? defaults.vip,
    podCidr: initial.podCidr ?? defaults.podCidr,
    serviceCidr: initial.serviceCidr ?? defaults.serviceCidr,
    kubernetesVersion: initial.kubernetesVersion ?? defaults.kubernetesVersion,
    clusterName: initial.clusterName ?? defaults.clusterName,
  },
  endpoint: initial.endpoint ?? defaultEndpoint,
  access: {user: initial.sshUser ?? defaults.sshUser, auth: 'agent', keyFile: ''},
  hostAccess: {},
  rolesVisited: false,
  roleNotes: [],
  apiKeyFile: initial.apiKeyFile ?? '',
});

export type WizardAction =
  | {readonly type: 'next'}
  | {readonly type: 'back'}
  | {readonly type: 'load-tailnet'; readonly tailnet: Tailnet}
  | {readonly type: 'set-role'; readonly id: string; readonly role: RoleChoice}
  /** → / ←: not in cluster → control plane → worker → not in cluster. */
  | {readonly type: 'cycle-role'; readonly id: string; readonly delta: number}
  | {readonly type: 'make-init'; readonly id: string}
  /** s on Roles: a suggested layout; `wantFive` for five control planes. */
  | {readonly type: 'suggest-roles'; readonly now: Date; readonly wantFive: boolean}
  | {readonly type: 'allow-even-control-planes'; readonly allow: boolean}
  | {readonly type: 'edit-network'; readonly field: NetworkField; readonly edit: TextEdit}
  | {readonly type: 'set-endpoint'; readonly endpoint: EndpointKind}
  /** → / ←: Tailscale VIP → keepalived + HAProxy → kube-vip. */
  | {readonly type: 'cycle-endpoint'; readonly delta: number}
  /** `host` undefined edits the cluster-wide access; a peer ID edits (or creates) its override. */
  | {
      readonly type: 'edit-access';
      readonly host: string | undefined;
      readonly field: 'user' | 'keyFile';
      readonly edit: TextEdit;
    }
  | {readonly type: 'set-auth'; readonly host: string | undefined; readonly auth: AuthKind}
  /** → / ←: ssh-agent → key file → Tailscale SSH. */
  | {readonly type: 'cycle-auth'; readonly host: string | undefined; readonly delta: number}
  | {readonly type: 'clear-host-access'; readonly id: string}
  | {readonly type: 'edit-api-key-file'; readonly edit: TextEdit};

export const roleOf = (
  state: Pick<WizardState, 'controlPlanes' | 'workers'>,
  id: string,
): RoleChoice =>
  state.controlPlanes.includes(id)
    ? 'control-plane'
    : state.workers.includes(id)
      ? 'worker'
      : 'none';

const without = (ids: readonly string[], id: string): readonly string[] =>
  ids.filter((other) => other !== id);

const withControlPlanes = (
  state: WizardState,
  controlPlanes: readonly string[],
  workers: readonly string[],
  roleNotes: readonly string[] = [],
) => ({
  ...state,
  controlPlanes,
  workers,
  roleNotes,
  // Confirming "4 control planes" says nothing about 2 or 6: ask again.
  allowEvenControlPlanes:
    controlPlanes.length === state.controlPlanes.length ? state.allowEvenControlPlanes : false,
});

const updateAccess = (
  state: WizardState,
  host: string | undefined,
  update: (draft: AccessDraft) => AccessDraft,
): WizardState => {
  if (host === undefined) return {...state, access: update(state.access)};
  const current = state.hostAccess[host] ?? state.access;
  return {...state, hostAccess: {...state.hostAccess, [host]: update(current)}};
};

const move = (step: Step, delta: number): Step => {
  const index = Math.min(Math.max(steps.indexOf(step) + delta, 0), steps.length - 1);
  return steps[index] ?? step;
};

/** The first visit to Roles: machines whose tags say a role start in it (the user can change all). */
const prefillFromTags = (state: WizardState, tailnet: Tailnet): WizardState => {
  if (state.controlPlanes.length + state.workers.length > 0) return state;
  const tagged = rolesFromTags(tailnet.peers);
  if (!tagged) return state;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return withControlPlanes(state, tagged.controlPlanes, tagged.workers, [
    // The tags themselves are in the Tags column.
    `From their role tags: ${count(tagged.controlPlanes.length, 'control plane')}, ${count(tagged.workers.length, 'worker')}; change any of them.`,
  ]);
};

export const wizardReducer = (state: WizardState, action: WizardAction): WizardState => {
  switch (action.type) {
    case 'next':
      // Nothing to plan without a tailnet; the Discover screen says so.
      if (!state.tailnet || state.step === 'review') return state;
      if (state.step === 'discover' && !state.rolesVisited)
        return {...prefillFromTags(state, state.tailnet), step: 'roles', rolesVisited: true};
      return {...state, step: move(state.step, 1)};
    case 'back':
      return state.step === 'discover' ? state : {...state, step: move(state.step, -1)};
    case 'load-tailnet':
      return {
        ...state,
        tailnet: action.tailnet,
        controlPlanes: [],
        workers: [],
        hostAccess: {},
        rolesVisited: false,
        roleNotes: [],
      };
    case 'set-role': {
      if (roleOf(state, action.id) === action.role) return state;
      const controlPlanes = without(state.controlPlanes, action.id);
      const workers = without(state.workers, action.id);
      if (action.role === 'control-plane') {
        return withControlPlanes(state, [...controlPlanes, action.id], workers);
      }
      if (action.role === 'worker')
        return withControlPlanes(state, controlPlanes, [...workers, action.id]);
      return withControlPlanes(state, controlPlanes, workers);
    }
    case 'cycle-role':
      return wizardReducer(state, {
        type: 'set-role',
        id: action.id,
        role: cycle(roleOrder, roleOf(state, action.id), action.delta),
      });
    case 'make-init': {
      if (state.controlPlanes[0] === action.id) return state;
      return withControlPlanes(
        state,
        [action.id, ...without(state.controlPlanes, action.id)],
        without(state.workers, action.id),
      );
    }
    case 'suggest-roles': {
      if (!state.tailnet) return state;
      const self = state.tailnet.peers.find((peer) => peer.isSelf);
      const selfRole = self ? roleOf(state, self.id) : 'none';
      const suggestion = suggestRoles(state.tailnet.peers, {
        now: action.now,
        wantFive: action.wantFive,
        ...(selfRole === 'none' ? {} : {selfRole}),
      });
      return withControlPlanes(
        state,
        suggestion.controlPlanes,
        suggestion.workers,
        suggestion.reasons,
      );
    }
    case 'allow-even-control-planes':
      return state.allowEvenControlPlanes === action.allow
        ? state
        : {...state, allowEvenControlPlanes: action.allow};
    case 'edit-network':
      return {
        ...state,
        network: {
          ...state.network,
          [action.field]: applyEdit(state.network[action.field], action.edit),
        },
      };
    case 'set-endpoint':
      return state.endpoint === action.endpoint ? state : {...state, endpoint: action.endpoint};
    case 'cycle-endpoint':
      return {...state, endpoint: cycle(endpointKinds, state.endpoint, action.delta)};
    case 'edit-access':
      return updateAccess(state, action.host, (draft) => ({
        ...draft,
        [action.field]: applyEdit(draft[action.field], action.edit),
      }));
    case 'edit-api-key-file':
      return {...state, apiKeyFile: applyEdit(state.apiKeyFile, action.edit)};
    case 'set-auth':
      return updateAccess(state, action.host, (draft) => ({...draft, auth: action.auth}));
    case 'cycle-auth':
      return updateAccess(state, action.host, (draft) => ({
        ...draft,
        auth: cycle(authOrder, draft.auth, action.delta),
      }));
    case 'clear-host-access': {
      if (!(action.id in state.hostAccess)) return state;
      const {[action.id]: _removed, ...rest} = state.hostAccess;
      return {...state, hostAccess: rest};
    }
  }
};

export const toAccess = (draft: AccessDraft): Access => {
  switch (draft.auth) {
    case 'key':
      return {user: draft.user, auth: {kind: 'key', keyFile: draft.keyFile}};
    case 'agent':
      return {user: draft.user, auth: {kind: 'agent'}};
    case 'tailscale-ssh':
      return {user: draft.user, auth: {kind: 'tailscale-ssh'}};
  }
};

/** What `buildPlan` needs. Overrides of hosts no longer in the cluster are kept in the state but left out here. */
export const planChoices = (
  state: Pick<
    WizardState,
    | 'controlPlanes'
    | 'workers'
    | 'allowEvenControlPlanes'
    | 'network'
    | 'endpoint'
    | 'access'
    | 'hostAccess'
  >,
): PlanChoices => {
  const inCluster = new Set([...state.controlPlanes, ...state.workers]);
  const hostAccess = Object.fromEntries(
    Object.entries(state.hostAccess)
      .filter(([id]) => inCluster.has(id))
      .map(([id, draft]) => [id, toAccess(draft)]),
  );
  return {
    controlPlanes: state.controlPlanes,
    workers: state.workers,
    network: {
      endpoint: state.endpoint,
      vip: state.network.vip,
      podCidr: state.network.podCidr,
      serviceCidr: state.network.serviceCidr,
    },
    kubernetesVersion: state.network.kubernetesVersion,
    clusterName: state.network.clusterName,
    access: toAccess(state.access),
    hostAccess,
    allowEvenControlPlanes: state.allowEvenControlPlanes,
  };
};

/** The screen on which the input a finding is about can be changed. */
export const stepOfFinding = (finding: Finding): Step => {
  switch (finding.field) {
    case 'roles':
      return 'roles';
    case 'vip':
    case 'podCidr':
    case 'serviceCidr':
    case 'kubernetesVersion':
    case 'clusterName':
      return 'network';
    case 'access':
      return 'access';
    case undefined:
      return 'review';
  }
};

/**
 * The error findings that stop the user leaving `step` forward: those about
 * an input on that screen. Review (where writing happens) is blocked by every error.
 */
export const stepBlockers = (step: Step, findings: readonly Finding[]): Finding[] =>
  findings.filter(
    (finding) =>
      finding.severity === 'error' && (step === 'review' || stepOfFinding(finding) === step),
  );

/** The findings to show on `step`: those about its inputs (Review shows them all). */
export const findingsFor = (step: Step, findings: readonly Finding[]): Finding[] =>
  step === 'review' ? [...findings] : findings.filter((finding) => stepOfFinding(finding) === step);

/**
 * The route API key file's finding on Access: the file must hold one key, or
 * the run would stop at its start. The check reads the file (the caller's);
 * the key itself is dropped there and never reaches a screen.
 */
/**
 * The route API key file the run uses: the Tailscale VIP's routes are approved
 * with it; a LAN endpoint has none, so its key file (kept, should the user
 * switch back) is not read or checked.
 */
export const routeKeyFile = (state: {
  readonly endpoint: EndpointKind;
  readonly apiKeyFile: string;
}): string => (isLanEndpoint(state.endpoint) ? '' : state.apiKeyFile);

export const apiKeyFindings = (
  file: string,
  check: ((file: string) => string | undefined) | undefined,
): Finding[] => {
  const problem = file && check ? check(file) : undefined;
  return problem
    ? [{code: 'api-key-file', severity: 'error', field: 'access', message: problem}]
    : [];
};
