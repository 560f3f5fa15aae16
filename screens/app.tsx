import {Box, Text, useApp} from 'ink';
import {useCallback, useMemo, useRef, useState} from 'react';
import type {Artifact} from '../source/core/artifacts/types.js';
import {buildPlan} from '../source/core/plan/build.js';
import {isLanEndpoint} from '../source/core/plan/endpoint.js';
import type {Plan} from '../source/core/plan/types.js';
import {canDrill} from '../source/core/drill/endpoints.js';
import {eligibility} from '../source/core/tailnet/eligibility.js';
import type {Tailnet} from '../source/core/tailnet/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {validatePlan} from '../source/core/validate/index.js';
import type {RunHandle, StartRun} from '../source/engine/start-run.js';
import {AccessScreen} from './access.js';
import {
  apiKeyFindings,
  routeKeyFile,
  findingsFor,
  initialState,
  planChoices,
  stepBlockers,
  wizardReducer,
  type InitialValues,
  type Step,
} from './app-state.js';
import {KeyboardProvider, useKeys} from './components/keys.js';
import {useLoadable, type Loadable} from './components/loadable.js';
import {fitsMinimum, minimumSize, type Size} from './components/layout.js';
import {useSyncReducer} from './components/use-sync-reducer.js';
import {useTerminalSize} from './components/use-terminal-size.js';
import {DiscoverScreen} from './discover.js';
import {NetworkScreen} from './network.js';
import {ReviewScreen} from './review.js';
import {RunContainer} from './run-container.js';
import {ResumeScreen, type UnfinishedRunView} from './resume.js';
import {evenControlPlanesCode, RolesScreen} from './roles.js';
import {symbols, theme} from './theme.js';

export type Discovery =
  | {readonly kind: 'tailnet'; readonly tailnet: Tailnet}
  | {readonly kind: 'unavailable'; readonly reason: string};

export interface AppProps {
  readonly discovery: Discovery;
  /** The built-in demo tailnet, offered when `discovery` is unavailable. */
  readonly loadDemo: () => Tailnet;
  /** For validation (key expiry). */
  readonly now: Date;
  /** Values given on the command line, e.g. --vip */
  readonly initial?: InitialValues;
  /**
   * The generators of the files Review shows (source/core/artifacts): needed
   * on Review only, so they load once the user moves past Discover.
   */
  readonly generateArtifacts: Loadable<(plan: Plan) => Artifact[]>;
  /** Writes every artifact and `plan.json` to `dir`; resolves with a one-line report. */
  readonly writeArtifacts: (dir: string, plan: Plan) => Promise<string>;
  /** Called when the user quits (q or Ctrl-C), just before the app exits. */
  readonly onQuit?: () => void;
  /** Runs the plan on its hosts (r on Review); without it, Review only writes. */
  readonly startRun?: StartRun;
  /**
   * Runs a plan of the demo tailnet in memory (r on Review there). The demo's
   * made-up addresses could be real machines on someone's tailnet, so a plan
   * made on it never goes to `startRun`.
   */
  readonly startDemoRun?: StartRun;
  /** Told about every run started, e.g. so the caller can wait for it before exiting. */
  readonly onRunStarted?: (handle: RunHandle) => void;
  /** Runs that did not finish, newest first: offered (Resume) before planning anything. */
  readonly unfinished?: ReadonlyArray<UnfinishedRunView & {readonly plan: Plan}>;
  /** Undoes what a run did on its hosts, then runs it from the start; without it, not offered. */
  readonly startOver?: StartRun;
  /**
   * Why the route API key file cannot be used (one sentence), or undefined;
   * without it the path is not checked before the run.
   */
  readonly checkApiKeyFile?: (file: string) => string | undefined;
  /** Leaves the wizard for `ha-wizard doctor` on this plan's cluster (d after a failed run). */
  readonly openDoctor?: (plan: Plan) => void;
  /** Leaves the wizard for `ha-wizard drill` on this plan's cluster (f after a successful run). */
  readonly openDrill?: (plan: Plan) => void;
}

// The core's rules are pure and should never throw; if one does on some odd
// input, show it as an error instead of tearing down the user's terminal.
const safeValidate = (plan: Plan, now: Date): Finding[] => {
  try {
    return validatePlan(plan, {now});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      {code: 'validation-failed', severity: 'error', message: `Validation failed: ${message}`},
    ];
  }
};

const safeArtifacts = (
  generateArtifacts: (plan: Plan) => Artifact[],
  plan: Plan,
): {readonly artifacts: Artifact[]; readonly error?: string} => {
  try {
    return {artifacts: generateArtifacts(plan)};
  } catch (error) {
    return {artifacts: [], error: error instanceof Error ? error.message : String(error)};
  }
};

const TooSmall = ({size, onQuit}: {readonly size: Size; readonly onQuit: () => void}) => {
  useKeys(
    (input) => {
      if (input === 'q') onQuit();
    },
    {isActive: true, onQuit},
  );
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text color={theme.warning} wrap="wrap">
        {symbols.warning} This terminal is {size.columns}×{size.rows}; the wizard needs at least{' '}
        {minimumSize.columns}×{minimumSize.rows}. Make it larger, or press q to quit.
      </Text>
    </Box>
  );
};

/** The planning wizard: Discover → Roles → Network → Access → Review, then the run. */
export const App = (props: AppProps) => (
  <KeyboardProvider>
    <Wizard {...props} />
  </KeyboardProvider>
);

const Wizard = ({
  discovery,
  loadDemo,
  now,
  initial,
  generateArtifacts,
  writeArtifacts,
  onQuit,
  startRun,
  startDemoRun,
  onRunStarted,
  unfinished = [],
  startOver,
  openDoctor,
  checkApiKeyFile,
  openDrill,
}: AppProps) => {
  // The ref holds the inputs as of the latest key, which `attemptNext` checks.
  const [state, dispatch, stateRef] = useSyncReducer(wizardReducer, () =>
    initialState(discovery.kind === 'tailnet' ? discovery.tailnet : undefined, initial),
  );
  const {exit} = useApp();
  const size = useTerminalSize();
  const quit = useCallback(() => {
    onQuit?.();
    exit();
  }, [onQuit, exit]);
  // The step on which Continue was refused once: a second Enter there goes on
  // anyway, so the user can always reach Review, which lists every finding and
  // refuses to write while errors remain.
  const refusedOn = useRef<Step | undefined>(undefined);
  /**
   * Continue: validate the latest inputs (keys of one stdin chunk arrive
   * before React renders, so this render's findings may be older) and move on
   * unless an error about this step's inputs blocks for the first time.
   * Returns the blockers when it did not move on.
   */
  const attemptNext = useCallback((): readonly Finding[] => {
    const latest = stateRef.current;
    if (!latest.tailnet) return [];
    const blockers = stepBlockers(latest.step, [
      ...safeValidate(buildPlan(latest.tailnet, planChoices(latest)), now),
      ...apiKeyFindings(routeKeyFile(latest), checkApiKeyFile),
    ]);
    // An even count alone has its own question on Roles: ask it every time.
    const asksItself = blockers.every((finding) => finding.code === evenControlPlanesCode);
    if (blockers.length > 0 && (asksItself || refusedOn.current !== latest.step)) {
      refusedOn.current = latest.step;
      return blockers;
    }
    refusedOn.current = undefined;
    dispatch({type: 'next'});
    return [];
  }, [stateRef, dispatch, now, checkApiKeyFile]);
  // Where each list's highlight was, so Esc back lands on the same row. Not an
  // input (nothing is computed from it), so it stays out of the wizard state.
  const cursors = useRef({discover: 0, roles: 0});
  const rememberDiscover = useCallback((cursor: number) => {
    cursors.current.discover = cursor;
  }, []);
  const rememberRoles = useCallback((cursor: number) => {
    cursors.current.roles = cursor;
  }, []);
  const back = useCallback(() => dispatch({type: 'back'}), []);
  // The run in progress (or finished, until Esc goes back to Review): not a
  // wizard input, and it holds a live handle, so it stays out of the reducer.
  const [run, setRun] = useState<{readonly plan: Plan; readonly handle: RunHandle}>();
  const endRun = useCallback(() => setRun(undefined), []);
  const [offeringResume, setOfferingResume] = useState(unfinished.length > 0 && !!startRun);
  const begin = useCallback(
    (plan: Plan, start: StartRun) => {
      const apiKeyFile = routeKeyFile(stateRef.current);
      const handle = apiKeyFile ? start(plan, {apiKeyFile}) : start(plan);
      onRunStarted?.(handle);
      setRun({plan, handle});
    },
    [onRunStarted, stateRef],
  );

  const {
    tailnet,
    controlPlanes,
    workers,
    allowEvenControlPlanes,
    network,
    endpoint,
    access,
    hostAccess,
  } = state;
  const eligiblePeers = useMemo(
    () => (tailnet ? tailnet.peers.filter((peer) => eligibility(peer).eligible) : []),
    [tailnet],
  );
  const plan = useMemo(
    () =>
      tailnet
        ? buildPlan(
            tailnet,
            planChoices({
              controlPlanes,
              workers,
              allowEvenControlPlanes,
              network,
              endpoint,
              access,
              hostAccess,
            }),
          )
        : undefined,
    [
      tailnet,
      controlPlanes,
      workers,
      allowEvenControlPlanes,
      network,
      endpoint,
      access,
      hostAccess,
    ],
  );
  // Every keystroke on Network rebuilds the plan and validates it again.
  const keyFindings = useMemo(
    () => apiKeyFindings(routeKeyFile(state), checkApiKeyFile),
    [state.endpoint, state.apiKeyFile, checkApiKeyFile],
  );
  const findings = useMemo(
    () => (plan ? [...safeValidate(plan, now), ...keyFindings] : []),
    [plan, now, keyFindings],
  );
  const onReview = state.step === 'review';
  // The generators load once the user moves past Discover (not while its
  // first frame is drawn); until they are there, Review says no artifacts are
  // generated yet.
  const generator = useLoadable(generateArtifacts, state.step !== 'discover');
  const generate = generator.kind === 'loaded' ? generator.value : undefined;
  const loadError = generator.kind === 'failed' ? generator.error : undefined;
  const generated = useMemo(
    () =>
      onReview && plan && generate
        ? safeArtifacts(generate, plan)
        : loadError === undefined
          ? {artifacts: []}
          : {artifacts: [], error: loadError},
    [onReview, plan, generate, loadError],
  );

  // The demo's hosts are made up, and their addresses could be real machines on
  // someone's tailnet: on it, r only ever starts the in-memory demo run.
  const isDemo = tailnet?.source === 'demo';
  const start = isDemo ? startDemoRun : startRun;

  if (!fitsMinimum(size)) return <TooSmall size={size} onQuit={quit} />;

  if (run)
    return (
      <RunContainer
        size={size}
        plan={run.plan}
        handle={run.handle}
        isActive
        onBack={endRun}
        onQuit={quit}
        // A simulated run has no hosts to diagnose.
        {...(openDoctor && !run.handle.simulated
          ? {
              onDoctor: () => {
                openDoctor(run.plan);
                exit();
              },
            }
          : {})}
        // Nor a failover to drill; and the drill knows only some endpoints so far.
        {...(openDrill && !run.handle.simulated && canDrill(run.plan.network.endpoint)
          ? {
              onDrill: () => {
                openDrill(run.plan);
                exit();
              },
            }
          : {})}
      />
    );

  const [resumable] = unfinished;
  if (offeringResume && resumable && startRun)
    return (
      <ResumeScreen
        size={size}
        isActive
        runs={unfinished}
        canStartOver={startOver !== undefined}
        onChoose={(choice) => {
          setOfferingResume(false);
          if (choice === 'resume') begin(resumable.plan, startRun);
          else if (choice === 'start-over' && startOver) begin(resumable.plan, startOver);
        }}
        onQuit={quit}
      />
    );

  switch (state.step) {
    case 'discover':
      return (
        <DiscoverScreen
          size={size}
          tailnet={tailnet}
          unavailableReason={discovery.kind === 'unavailable' ? discovery.reason : undefined}
          isActive
          initialCursor={cursors.current.discover}
          onCursorChange={rememberDiscover}
          onLoadDemo={() => dispatch({type: 'load-tailnet', tailnet: loadDemo()})}
          onContinue={attemptNext}
          onQuit={quit}
        />
      );
    case 'roles':
      return (
        <RolesScreen
          size={size}
          peers={eligiblePeers}
          controlPlanes={controlPlanes}
          workers={workers}
          allowEvenControlPlanes={allowEvenControlPlanes}
          findings={findingsFor('roles', findings)}
          isActive
          initialCursor={cursors.current.roles}
          onCursorChange={rememberRoles}
          onSetRole={(id, role) => dispatch({type: 'set-role', id, role})}
          onCycleRole={(id, delta) => dispatch({type: 'cycle-role', id, delta})}
          onMakeInit={(id) => dispatch({type: 'make-init', id})}
          onSuggest={(wantFive) => dispatch({type: 'suggest-roles', now, wantFive})}
          notes={state.roleNotes}
          onAllowEvenControlPlanes={(allow) => dispatch({type: 'allow-even-control-planes', allow})}
          onContinue={attemptNext}
          onBack={back}
          onQuit={quit}
        />
      );
    case 'network':
      return (
        <NetworkScreen
          size={size}
          inputs={network}
          endpoint={endpoint}
          findings={findingsFor('network', findings)}
          isActive
          onEdit={(field, edit) => dispatch({type: 'edit-network', field, edit})}
          onSetEndpoint={(kind) => dispatch({type: 'set-endpoint', endpoint: kind})}
          onCycleEndpoint={(delta) => dispatch({type: 'cycle-endpoint', delta})}
          onContinue={attemptNext}
          onBack={back}
          onQuit={quit}
        />
      );
    case 'access':
      return (
        <AccessScreen
          size={size}
          nodes={plan?.nodes ?? []}
          access={access}
          hostAccess={hostAccess}
          findings={findingsFor('access', findings)}
          isActive
          apiKeyFile={state.apiKeyFile}
          routeApproval={!isLanEndpoint(state.endpoint)}
          onEdit={(host, field, edit) =>
            dispatch(
              field === 'apiKeyFile'
                ? {type: 'edit-api-key-file', edit}
                : {type: 'edit-access', host, field, edit},
            )
          }
          onCycleAuth={(host, delta) => dispatch({type: 'cycle-auth', host, delta})}
          onSetAuth={(host, auth) => dispatch({type: 'set-auth', host, auth})}
          onClearOverride={(id) => dispatch({type: 'clear-host-access', id})}
          onContinue={attemptNext}
          onBack={back}
          onQuit={quit}
        />
      );
    case 'review':
      return plan ? (
        <ReviewScreen
          size={size}
          plan={plan}
          apiKeyFile={routeKeyFile(state)}
          findings={findings}
          artifacts={generated.artifacts}
          artifactError={generated.error}
          isActive
          onWrite={(dir) => writeArtifacts(dir, plan)}
          demoRun={isDemo}
          {...(start
            ? {
                onRun: () => begin(plan, start),
              }
            : {})}
          onBack={back}
          onQuit={quit}
        />
      ) : null;
  }
};
