// The one event stream the run engine emits (aesthetics.md habit 6, the gatsby
// reporter anchor): the TUI's panes, the plain line reporter and the `--json`
// reporter all fold the same events with `reduceRun` (state.ts), so no view
// ever asks the engine anything. Events are plain data: no functions, no
// Errors, every string already redacted by the engine (DOMAIN.md "Safety
// rules": secrets never reach a screen). `at` is the engine's clock in ms;
// the core has none of its own.
import type {Role} from '../plan/types.js';

/** How one host's part of one phase ended. */
export type StepStatus = 'done' | 'skipped' | 'failed';

/** How a whole phase ended: skipped when every host was already done. */
export type PhaseStatus = 'done' | 'skipped' | 'failed';

export interface RunPhaseInfo {
  readonly id: string;
  readonly title: string;
  /** Host names this phase concerns, in order. */
  readonly hosts: readonly string[];
  readonly mode: 'parallel' | 'serial';
}

export interface RunHostInfo {
  readonly name: string;
  /** `workstation` for the machine running the wizard (the kubeconfig merge). */
  readonly role: Role | 'workstation';
  readonly address: string;
}

/** Everything a person needs to act on a failed step (issue 3, "A failure …"). */
export interface StepFailure {
  /** One sentence: what went wrong. */
  readonly message: string;
  /** The quoted command line that failed, when a command failed. */
  readonly command?: string;
  /** Its exit code; null when it died from a signal or never ran. */
  readonly exitCode?: number | null;
  /** The last lines of its stderr (or stdout when stderr was empty). */
  readonly stderrTail: readonly string[];
  /** What to try, in one or two sentences. */
  readonly suggestion?: string;
}

export interface RunSummary {
  readonly clusterName: string;
  readonly nodes: ReadonlyArray<{readonly name: string; readonly role: Role; readonly ip: string}>;
  readonly vip: string;
  /** The API's `VIP:port` (6443, or HAProxy's 8443); absent in runs saved before issue 11. */
  readonly apiEndpoint?: string;
  /** True for a LAN endpoint, whose VIP a control plane holds rather than routes. */
  readonly lanEndpoint?: boolean;
  /** The node that is the tailnet's primary router for `VIP/32` (LAN: the node holding the VIP), when known. */
  readonly primaryRouter?: string;
  /** Where the workstation's kubeconfig now has the cluster, and the context name. */
  readonly kubeconfigPath?: string;
  readonly kubeconfigContext?: string;
  readonly logPath?: string;
}

/** What the line printed at the very end says about the whole run. */
export interface RunOutcome {
  readonly ok: boolean;
  /** False when every step was already true: "nothing needed changing". */
  readonly changed: boolean;
  /** Set when the user aborted (Ctrl-C). */
  readonly aborted: boolean;
  /** The run's error for people (e.g. "containerd failed on 2 hosts: …"). */
  readonly error?: string;
  readonly summary: RunSummary;
}

export type QuestionKind = 'host-key';

/**
 * What a step changed on a host, with what was there before, so that
 * `ha-wizard reset` can put it back (issue 4, "Start over / reset"). Emitted
 * BEFORE the change where the previous value is known then (a kill between
 * the record and the change leaves a record of a change that did not happen,
 * which reset finds already undone), and again after a file write to add the
 * backup's path.
 */
export type HostChange =
  /** `tailscale set --accept-routes=true` on a node where it was `previous`. */
  | {readonly kind: 'accept-routes'; readonly previous: boolean}
  /** `tailscale set --advertise-routes=…` on a node that advertised `previous`. */
  | {readonly kind: 'advertise-routes'; readonly previous: readonly string[]}
  /**
   * A file written (atomically, backed up). `previous: 'absent'`: the wizard
   * created it; `'present'`: it replaced one, copied to `backupPath` first.
   */
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly previous: 'absent' | 'present';
      readonly backupPath?: string;
    }
  /** A NetworkManager connection profile the wizard added (`nmcli connection add`). */
  | {readonly kind: 'nm-connection'; readonly name: string}
  /**
   * A systemd service the wizard started or enabled (keepalived, haproxy), as
   * it was before: reset stops and disables it again only where it was not
   * running or enabled.
   */
  | {
      readonly kind: 'service';
      readonly name: string;
      readonly previousActive: boolean;
      readonly previousEnabled: boolean;
    };

export type RunEvent =
  | {
      readonly type: 'run-started';
      readonly at: number;
      readonly phases: readonly RunPhaseInfo[];
      readonly hosts: readonly RunHostInfo[];
      readonly logPath?: string;
    }
  | {readonly type: 'phase-started'; readonly at: number; readonly phase: string}
  | {
      readonly type: 'phase-finished';
      readonly at: number;
      readonly phase: string;
      readonly status: PhaseStatus;
    }
  | {
      readonly type: 'host-step-started';
      readonly at: number;
      readonly phase: string;
      readonly host: string;
    }
  | {
      readonly type: 'host-step-finished';
      readonly at: number;
      readonly phase: string;
      readonly host: string;
      readonly status: StepStatus;
      /** True when the step changed something on the host. */
      readonly changed: boolean;
      /** A short result, e.g. "Debian 12, arm64, systemd-networkd" or "already set". */
      readonly note?: string;
      readonly failure?: StepFailure;
    }
  | {
      readonly type: 'host-output';
      readonly at: number;
      readonly phase: string;
      readonly host: string;
      readonly stream: 'stdout' | 'stderr' | 'command';
      readonly line: string;
    }
  | {
      /** A warning or remark that does not stop the run. */
      readonly type: 'notice';
      readonly at: number;
      readonly phase?: string;
      readonly host?: string;
      readonly level: 'info' | 'warning';
      readonly message: string;
    }
  | {
      /** The run waits for the user to do something outside it (route approval, DOMAIN.md phase 7). */
      readonly type: 'waiting';
      readonly at: number;
      readonly phase: string;
      readonly host: string;
      readonly message: string;
      readonly links: readonly string[];
      /** Text to paste (the tailnet policy's autoApprovers). */
      readonly snippet?: string;
    }
  | {readonly type: 'waiting-over'; readonly at: number; readonly phase: string}
  | {
      readonly type: 'host-change';
      readonly at: number;
      readonly phase: string;
      readonly host: string;
      readonly change: HostChange;
    }
  | {
      /** A question for whichever view is attached; answered by id (habit 6). */
      readonly type: 'question';
      readonly at: number;
      readonly id: string;
      readonly kind: QuestionKind;
      readonly host: string;
      readonly message: string;
      /** For a host key: its SHA256 fingerprint. */
      readonly fingerprint?: string;
    }
  | {
      readonly type: 'question-answered';
      readonly at: number;
      readonly id: string;
      readonly accepted: boolean;
    }
  | ({readonly type: 'run-finished'; readonly at: number} & RunOutcome);

export type RunEventType = RunEvent['type'];
