// Shown first when a run did not finish (issue 4, "Resume"): what happened to
// it, and the choice of going on, starting over, seeing what was done, or
// planning something else. The facts come in as text; this screen only asks.
import {Text} from 'ink';
import {useState} from 'react';
import {isQuitKey, useKeys} from './components/keys.js';
import {Frame, type KeyHint} from './components/frame.js';
import type {Size} from './components/layout.js';
import {SelectList, type SelectOption} from './components/select-list.js';
import {wrapWords} from './components/text.js';

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
  const options: ReadonlyArray<SelectOption<ResumeChoice>> = [
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
  const [showing, setShowing] = useState(false);
  // The list owns ↑↓ and Enter; the screen keeps only q, which the list ignores.
  useKeys(
    (input, key) => {
      if (isQuitKey(input, key)) onQuit();
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
      <SelectList
        options={options}
        isFocused={isActive}
        labelWidth={20}
        onSelect={(choice) => {
          if (choice === 'show') setShowing((value) => !value);
          else onChoose(choice);
        }}
      />
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
