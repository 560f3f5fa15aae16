import {Box, Text} from 'ink';
import {useCursor} from './components/use-cursor.js';
import {useSyncState} from './components/use-sync-reducer.js';
import {quorumLine} from '../source/core/plan/quorum.js';
import type {Peer} from '../source/core/tailnet/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {roleOf, stepBlockers, type RoleChoice} from './app-state.js';
import {TableRow} from './components/table-row.js';
import {ContinueLine} from './components/continue-line.js';
import {FindingList, findingsHeight} from './components/finding-lines.js';
import {Frame, type KeyHint} from './components/frame.js';
import {isQuitKey, useKeys} from './components/keys.js';
import {bodyRows, type Size} from './components/layout.js';
import {clamp, windowAround} from './components/scroll.js';
import {symbols, theme} from './theme.js';

/** The finding `validatePlan` raises for 2, 4, ... control planes unless the user insists. */
export const evenControlPlanesCode = 'even-control-planes';

export interface RolesScreenProps {
  readonly size: Size;
  /** The peers that can be nodes, in tailnet order. */
  readonly peers: readonly Peer[];
  /** Peer IDs; the first is the init node. */
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  readonly allowEvenControlPlanes: boolean;
  /** Findings about roles, from `validatePlan`. */
  readonly findings: readonly Finding[];
  readonly isActive: boolean;
  /** Where the highlight starts, so coming back to the screen finds it where it was left. */
  readonly initialCursor?: number;
  readonly onCursorChange?: (cursor: number) => void;
  readonly onSetRole: (id: string, role: RoleChoice) => void;
  /** → (1) or ← (-1): not in cluster → control plane → worker → not in cluster. */
  readonly onCycleRole: (id: string, delta: number) => void;
  readonly onMakeInit: (id: string) => void;
  /** s (or 5, for five control planes): a suggested layout replaces the roles. */
  readonly onSuggest: (wantFive: boolean) => void;
  /** Where the roles came from: the role tags, or a line per machine of a suggestion. */
  readonly notes: readonly string[];
  readonly onAllowEvenControlPlanes: (allow: boolean) => void;
  /**
   * Asks to move on. The app validates the latest inputs (which may be newer
   * than this render's findings) and moves on unless errors block; it returns
   * those blocking errors, empty when it moved on.
   */
  readonly onContinue: () => readonly Finding[];
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

const roleText = (role: RoleChoice, isInit: boolean): string => {
  if (role === 'control-plane') return `control plane${isInit ? ` ${symbols.init} init` : ''}`;
  return role === 'worker' ? 'worker' : '· not in cluster';
};

const roleColor = (role: RoleChoice): string | undefined =>
  role === 'control-plane' ? theme.controlPlane : role === 'worker' ? theme.worker : undefined;

const listKeys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['←→/c w n', 'role'],
  ['i', 'init node'],
  ['s', 'suggest'],
  ['Enter', 'continue'],
  ['Esc', 'back'],
  ['q', 'quit'],
];
const confirmKeys: readonly KeyHint[] = [
  ['y', 'keep the even count'],
  ['n/Esc', 'change roles'],
  ['Ctrl-C', 'quit'],
];

/** Step 2: control plane, worker or neither for each eligible device. */
export const RolesScreen = (props: RolesScreenProps) => {
  const {size, peers, controlPlanes, workers, findings, isActive} = props;
  const [cursor, setCursor, cursorRef] = useCursor(props.initialCursor, props.onCursorChange);
  const [confirming, setConfirming, confirmingRef] = useSyncState(false);
  const blockers = stepBlockers('roles', findings);
  const evenOnly =
    blockers.length > 0 && blockers.every((finding) => finding.code === evenControlPlanesCode);
  const isConfirming = confirming;
  const last = peers.length - 1;
  const position = clamp(cursor, 0, last);
  const width = size.columns;

  const confirmHeight = isConfirming ? 2 : 0;
  // Quorum line, table header, findings, confirmation, continue line.
  const available = Math.max(
    3,
    bodyRows(size) -
      2 -
      findingsHeight(findings, width) -
      confirmHeight -
      2 -
      (props.allowEvenControlPlanes ? 1 : 0),
  );
  // The list first; the notes (or the hint to press s) get the rows it leaves.
  const hint =
    props.notes.length === 0 && controlPlanes.length + workers.length === 0
      ? [`s suggests a layout from the most suitable machines (5: with five control planes).`]
      : [];
  const notes = props.notes.length > 0 ? props.notes : hint;
  const listHeight =
    notes.length === 0 ? available : Math.max(3, Math.min(available - 1, peers.length));
  const notesHeight = Math.max(0, available - listHeight);
  const shownNotes =
    notes.length <= notesHeight
      ? notes
      : [
          ...notes.slice(0, Math.max(0, notesHeight - 1)),
          `… ${notes.length - notesHeight + 1} more`,
        ];

  useKeys(
    (input, key) => {
      // Read the latest cursor and dialog state: keys of one stdin chunk arrive before React renders.
      const highlighted = peers[clamp(cursorRef.current, 0, last)];
      if (confirmingRef.current) {
        if (input === 'y') {
          setConfirming(false);
          props.onAllowEvenControlPlanes(true);
          // The even count was the only thing in the way.
          props.onContinue();
        } else if (input === 'n' || key.escape) setConfirming(false);
        return;
      }
      if (key.escape) props.onBack();
      else if (isQuitKey(input, key)) props.onQuit();
      else if (key.upArrow) setCursor((value) => clamp(value - 1, 0, last));
      else if (key.downArrow) setCursor((value) => clamp(value + 1, 0, last));
      else if (key.pageUp) setCursor((value) => clamp(value - listHeight, 0, last));
      else if (key.pageDown) setCursor((value) => clamp(value + listHeight, 0, last));
      else if (key.return) {
        // The app checks the latest roles, which may be newer than this render's findings.
        const blocking = props.onContinue();
        if (
          blocking.length > 0 &&
          blocking.every((finding) => finding.code === evenControlPlanesCode)
        ) {
          setConfirming(true);
        }
      } else if (highlighted) {
        const {id} = highlighted;
        if (key.rightArrow || input === ' ') props.onCycleRole(id, 1);
        else if (key.leftArrow) props.onCycleRole(id, -1);
        else if (input === 'c') props.onSetRole(id, 'control-plane');
        else if (input === 'w') props.onSetRole(id, 'worker');
        else if (input === 'n') props.onSetRole(id, 'none');
        else if (input === 'i') props.onMakeInit(id);
        else if (input === 's') props.onSuggest(false);
        else if (input === '5') props.onSuggest(true);
      }
    },
    {isActive, onQuit: props.onQuit},
  );

  const window = windowAround(position, peers.length, listHeight);
  const hostWidth = Math.max(14, Math.floor((width - 2 - 16 - 24) * 0.5));
  const tagsWidth = Math.max(4, width - 2 - hostWidth - 16 - 24);
  return (
    <Frame size={size} step="roles" keys={isConfirming ? confirmKeys : listKeys}>
      <Text bold wrap="truncate-end">
        {quorumLine(controlPlanes.length)}
      </Text>
      <TableRow
        cells={[
          {text: '', width: 2},
          {text: 'Host', width: hostWidth, bold: true},
          {text: 'Tailscale IPv4', width: 16, bold: true},
          {text: 'Role', width: 24, bold: true},
          {text: 'Tags', width: tagsWidth, bold: true},
        ]}
      />
      <Box flexDirection="column" height={listHeight}>
        {peers.length === 0 ? (
          <Text color={theme.error} wrap="wrap">
            {symbols.error} No device on this tailnet can be a node (they must be Linux, online,
            with a Tailscale IPv4 address). Go back to see why.
          </Text>
        ) : null}
        {peers.slice(window.start, window.end).map((peer, offset) => {
          const role = roleOf({controlPlanes, workers}, peer.id);
          const isCursor = window.start + offset === position;
          return (
            <TableRow
              key={peer.id}
              cells={[
                {text: isCursor ? symbols.pointer : ' ', width: 2, color: theme.cursor},
                {
                  text: `${peer.isSelf ? symbols.self : ''}${peer.hostName}`,
                  width: hostWidth,
                  bold: isCursor,
                },
                {text: peer.ipv4 ?? '—', width: 16},
                {
                  text: roleText(role, controlPlanes[0] === peer.id),
                  width: 24,
                  color: roleColor(role),
                  dim: role === 'none',
                },
                {text: peer.tags.join(',') || '—', width: tagsWidth, dim: true},
              ]}
            />
          );
        })}
      </Box>
      {shownNotes.map((note, index) => (
        <Text key={index} dimColor wrap="truncate-end">
          {note}
        </Text>
      ))}
      {props.allowEvenControlPlanes ? (
        <Text color={theme.warning} wrap="truncate-end">
          {symbols.warning} You chose to keep an even number of control planes.
        </Text>
      ) : null}
      <FindingList findings={findings} width={width} />
      {isConfirming ? (
        <Box flexDirection="column">
          <Text color={theme.warning} wrap="truncate-end">
            {symbols.warning} {controlPlanes.length} control planes tolerate no more failures than{' '}
            {controlPlanes.length - 1}.
          </Text>
          <Text bold wrap="truncate-end">
            Keep {controlPlanes.length} control planes anyway? (y/n)
          </Text>
        </Box>
      ) : null}
      {evenOnly && !isConfirming ? (
        <Text color={theme.warning} wrap="truncate-end">
          {'  '}
          {symbols.warning} Enter: keep the even count or change a role.
        </Text>
      ) : isConfirming ? null : (
        <ContinueLine
          blockers={blockers}
          isHighlighted={false}
          label="Continue to Network (Enter)"
        />
      )}
    </Frame>
  );
};
