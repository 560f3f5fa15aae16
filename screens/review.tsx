import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {Artifact} from '../source/core/artifacts/types.js';
import type {Plan} from '../source/core/plan/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {stepBlockers} from './app-state.js';
import {Frame, type KeyHint} from './components/frame.js';
import {isQuitKey, useKeys} from './components/keys.js';
import {bodyRows, type Size} from './components/layout.js';
import {textEditFor} from './components/text-edit.js';
import {useSyncReducer} from './components/use-sync-reducer.js';
import {plural} from './components/text.js';
import {artifactDocument, planDocument, type Tone} from './review-document.js';
import {errorMessage, initialReviewState, reviewReducer, type WriteState} from './review-state.js';
import {symbols, theme} from './theme.js';

export interface ReviewScreenProps {
  readonly size: Size;
  readonly plan: Plan;
  /** The route API key file from Access (a path; the key is never read here). */
  readonly apiKeyFile?: string;
  /** Every finding of the plan. */
  readonly findings: readonly Finding[];
  readonly artifacts: readonly Artifact[];
  /** Set when the artifacts could not be generated; shown instead of them. */
  readonly artifactError?: string;
  readonly isActive: boolean;
  /** Writes the artifacts to `dir`; resolves with a one-line report, rejects with the reason. */
  readonly onWrite: (dir: string) => Promise<string>;
  /** Runs the plan on its hosts (r); offered only while no error blocks it. */
  readonly onRun?: () => void;
  /** r starts the in-memory demo run (made-up hosts), not a run on real ones. */
  readonly demoRun?: boolean;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

const toneColor = (tone: Tone): string | undefined => {
  switch (tone) {
    case 'error':
      return theme.error;
    case 'warning':
      return theme.warning;
    case 'ok':
      return theme.ok;
    case 'heading':
      return theme.accent;
    default:
      return undefined;
  }
};

const browseKeys = (canRun: boolean, demoRun: boolean): readonly KeyHint[] => [
  ['Tab', 'next file'],
  ['↑↓ PgUp/PgDn', 'scroll'],
  ['w', 'write'],
  ...(canRun ? [['r', demoRun ? 'demo run' : 'run on hosts'] as const] : []),
  ['Esc', 'back'],
  ['q', 'quit'],
];
const pathKeys: readonly KeyHint[] = [
  ['Enter', 'write'],
  ['Ctrl-U', 'clear'],
  ['Esc', 'cancel'],
  ['Ctrl-C', 'quit'],
];

const WriteLine = ({
  write,
  blockers,
  runHint,
}: {
  readonly write: WriteState;
  readonly blockers: readonly Finding[];
  /** What r does, when it does something. */
  readonly runHint: string | undefined;
}) => {
  switch (write.kind) {
    case 'editing':
      return (
        <Text wrap="truncate-start">
          <Text bold>Write to </Text>
          {write.path}
          <Text color={theme.cursor}>{symbols.caret}</Text>
        </Text>
      );
    case 'writing':
      return <Text wrap="truncate-end">Writing to {write.path}…</Text>;
    case 'written':
      return (
        <Text color={theme.ok} wrap="truncate-end">
          {symbols.ok} {write.message}
        </Text>
      );
    case 'failed':
      return (
        <Text color={theme.error} wrap="truncate-end">
          {symbols.error} {write.message}
        </Text>
      );
    case 'refused':
    case 'idle':
      return blockers.length > 0 ? (
        <Text color={theme.error} wrap="truncate-end">
          {symbols.error} Fix the {plural(blockers.length, 'error')} above before writing (Esc goes
          back).
        </Text>
      ) : (
        <Text color={theme.ok} wrap="truncate-end">
          {symbols.ok} No errors. Press w to write the artifacts to a folder.
          {runHint === undefined ? '' : ` ${runHint}`}
        </Text>
      );
  }
};

/** Step 5: the whole plan, every finding, each generated file; writes them to a folder. */
export const ReviewScreen = (props: ReviewScreenProps) => {
  const {size, plan, findings, artifacts, isActive, apiKeyFile} = props;
  const [state, dispatch, stateRef] = useSyncReducer(reviewReducer, initialReviewState);
  const blockers = stepBlockers('review', findings);
  const documents = useMemo(
    () => [
      planDocument(plan, findings, size.columns, apiKeyFile),
      ...artifacts.map(artifactDocument),
    ],
    [plan, findings, artifacts, size.columns, apiKeyFile],
  );
  const index = Math.min(state.document, documents.length - 1);
  const document = documents[index] ?? documents[0];
  const lines = document?.lines ?? [];
  // Title line, position line, write line.
  const viewport = Math.max(1, bodyRows(size) - 3);
  const max = Math.max(0, lines.length - viewport);
  const scroll = Math.min(state.scroll, max);
  const editing = state.write.kind === 'editing';
  const canRun = props.onRun !== undefined && blockers.length === 0;

  const write = (path: string) => {
    dispatch({type: 'writing'});
    props.onWrite(path).then(
      (message) => dispatch({type: 'written', message: message.split('\n')[0] ?? message}),
      (error: unknown) => dispatch({type: 'failed', message: errorMessage(error)}),
    );
  };

  useKeys(
    (input, key) => {
      // As of the previous key, even if React has not rendered since.
      const {write: current} = stateRef.current;
      if (current.kind === 'editing') {
        if (key.escape) dispatch({type: 'cancel-write'});
        else if (key.return) {
          if (current.path.trim()) write(current.path.trim());
        } else {
          const edit = textEditFor(input, key);
          if (edit) dispatch({type: 'edit-path', edit});
        }
        return;
      }
      if (key.escape) props.onBack();
      else if (isQuitKey(input, key)) props.onQuit();
      else if (key.tab || key.rightArrow || key.leftArrow) {
        const delta = (key.tab && key.shift) || key.leftArrow ? -1 : 1;
        dispatch({type: 'cycle-document', delta, count: documents.length});
      } else if (key.downArrow) dispatch({type: 'scroll', delta: 1, max});
      else if (key.upArrow) dispatch({type: 'scroll', delta: -1, max});
      else if (key.pageDown || input === ' ') dispatch({type: 'scroll', delta: viewport - 1, max});
      else if (key.pageUp) dispatch({type: 'scroll', delta: -(viewport - 1), max});
      else if (key.home) dispatch({type: 'scroll-to', line: 0, max});
      else if (key.end) dispatch({type: 'scroll-to', line: max, max});
      else if (input === 'r' && canRun && current.kind !== 'writing') props.onRun?.();
      else if (input === 'w' && current.kind !== 'writing') {
        if (blockers.length > 0) dispatch({type: 'refuse-write'});
        else dispatch({type: 'open-write', path: `./${plan.clusterName || 'cluster'}`});
      }
    },
    {isActive, onQuit: props.onQuit},
  );

  const visible = lines.slice(scroll, scroll + viewport);
  const position =
    lines.length > viewport
      ? `lines ${scroll + 1}–${Math.min(scroll + viewport, lines.length)} of ${lines.length}`
      : `${plural(lines.length, 'line')}`;
  return (
    <Frame
      size={size}
      step="review"
      keys={editing ? pathKeys : browseKeys(canRun, props.demoRun === true)}
    >
      <Text wrap="truncate-end">
        <Text dimColor>{`${index + 1}/${documents.length} `}</Text>
        <Text bold>{document?.title}</Text>
        {props.artifactError ? (
          <Text color={theme.error}>{`  ${symbols.error} artifacts: ${props.artifactError}`}</Text>
        ) : documents.length === 1 ? (
          <Text dimColor> (no artifacts generated yet)</Text>
        ) : null}
      </Text>
      <Box flexDirection="column" height={viewport}>
        {visible.map((item, offset) => (
          <Text
            key={scroll + offset}
            wrap="truncate-end"
            color={toneColor(item.tone)}
            bold={item.tone === 'heading'}
            dimColor={item.tone === 'dim'}
          >
            {item.text || ' '}
          </Text>
        ))}
      </Box>
      <Text dimColor wrap="truncate-end">
        {position}
      </Text>
      <WriteLine
        write={state.write}
        blockers={blockers}
        runHint={canRun ? (props.demoRun ? 'r runs a demo.' : 'r runs the plan.') : undefined}
      />
    </Frame>
  );
};
