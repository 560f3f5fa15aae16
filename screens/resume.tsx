// Shown first when a run did not finish (issue 4, "Resume"): what happened to
// it, and the choice of going on, starting over, seeing what was done, or
// planning something else. The facts come in as text; this screen only asks.
import {Box, Text} from 'ink';
import {useState} from 'react';
import {isQuitKey, useKeys} from './components/keys.js';
import {Frame, type KeyHint} from './components/frame.js';
import type {Size} from './components/layout.js';
import {wrapWords} from './components/text.js';
import {symbols, theme} from './theme.js';

export interface UnfinishedRunView {
  readonly clusterName: string;
  /** One sentence: when it started, how it ended, where. */
  readonly headline: string;
  /** Phase by phase (Show what was done). */
  readonly details: readonly string[];
}

export type ResumeChoice = 'resume' | 'start-over' | 'show' | 'new';

export interface ResumeScreenProps {
  readonly size: Size;
  readonly isActive: boolean;
  /** Newest first; the first is the one offered. */
  readonly runs: readonly UnfinishedRunView[];
  /** False when there is nothing to start over with (no reset available). */
  readonly canStartOver: boolean;
  readonly onChoose: (choice: Exclude<ResumeChoice, 'show'>) => void;
  readonly onQuit: () => void;
}

const keys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['Enter', 'choose'],
  ['q', 'quit'],
];

export const ResumeScreen = ({
  size,
  isActive,
  runs,
  canStartOver,
  onChoose,
  onQuit,
}: ResumeScreenProps) => {
  const [run, ...others] = runs;
  const options: ReadonlyArray<{value: ResumeChoice; label: string; help: string}> = [
    {value: 'resume', label: 'Resume', help: 'check the finished phases again and go on'},
    ...(canStartOver
      ? [
          {
            value: 'start-over' as const,
            label: 'Start over',
            help: 'undo what the run did on every host, then run from the start',
          },
        ]
      : []),
    {value: 'show', label: 'Show what was done', help: 'phase by phase'},
    {value: 'new', label: 'Plan a new cluster', help: 'leave this run as it is for now'},
  ];
  const [cursor, setCursor] = useState(0);
  const [showing, setShowing] = useState(false);
  useKeys(
    (input, key) => {
      if (isQuitKey(input, key)) onQuit();
      else if (key.upArrow) setCursor((value) => Math.max(0, value - 1));
      else if (key.downArrow) setCursor((value) => Math.min(options.length - 1, value + 1));
      else if (key.return) {
        const choice = options[cursor]?.value;
        if (choice === 'show') setShowing((value) => !value);
        else if (choice) onChoose(choice);
      }
    },
    {isActive, onQuit},
  );
  if (!run) return null;
  const width = size.columns - 2;
  return (
    <Frame size={size} step="resume" keys={keys}>
      {wrapWords(run.headline, width).map((line) => (
        <Text key={line} bold>
          {line}
        </Text>
      ))}
      <Text> </Text>
      {options.map((option, index) => (
        <Box key={option.value}>
          <Box width={2} flexShrink={0}>
            <Text color={theme.cursor}>{index === cursor ? symbols.pointer : ' '}</Text>
          </Box>
          <Box width={20} flexShrink={0}>
            <Text bold={index === cursor}>{option.label}</Text>
          </Box>
          <Text dimColor wrap="truncate-end">
            {option.help}
          </Text>
        </Box>
      ))}
      <Text> </Text>
      {showing
        ? run.details.map((line, index) => (
            <Text key={index} wrap="truncate-end">
              {line}
            </Text>
          ))
        : null}
      {others.length > 0 ? (
        <Text dimColor wrap="wrap">
          Also unfinished: {others.map((other) => other.clusterName).join(', ')} (ha-wizard apply
          DIR --resume, or finish this one first).
        </Text>
      ) : null}
    </Frame>
  );
};
