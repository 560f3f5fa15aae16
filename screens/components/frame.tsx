import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {steps, stepTitles, type Step} from '../app-state.js';
import {symbols, theme} from '../theme.js';
import {bodyRows, type Size} from './layout.js';

/** One key and what it does, for the footer: `['Esc', 'back']`. */
export type KeyHint = readonly [key: string, action: string];

const Rule = ({width}: {readonly width: number}) => (
  <Text dimColor>{symbols.rule.repeat(width)}</Text>
);

/**
 * The planning steps, then running the plan (which has no number: it is not a
 * step to fill in); `resume` comes before them all when a run did not finish.
 */
export type FrameStep = Step | 'run' | 'resume';

const Header = ({step, width}: {readonly step: FrameStep; readonly width: number}) => {
  const index = step === 'run' ? steps.length : step === 'resume' ? -1 : steps.indexOf(step);
  const numbered = step !== 'run' && step !== 'resume';
  return (
    <Box flexDirection="column" height={2}>
      <Text wrap="truncate-end">
        <Text bold>ha-wizard</Text>
        <Text>{numbered ? `  ${index + 1}/${steps.length} ` : '  '}</Text>
        <Text bold color={theme.accent}>
          {step === 'run' ? 'Run' : step === 'resume' ? 'Unfinished run' : stepTitles[step]}
        </Text>
        <Text dimColor>{'   '}</Text>
        {[...steps.map((name) => stepTitles[name]), 'Run'].map((title, position) => (
          <Text key={title} dimColor={position !== index} bold={position === index}>
            {position === 0 ? '' : ' › '}
            {title}
          </Text>
        ))}
      </Text>
      <Rule width={width} />
    </Box>
  );
};

const Footer = ({keys, width}: {readonly keys: readonly KeyHint[]; readonly width: number}) => (
  <Box flexDirection="column" height={2}>
    <Rule width={width} />
    <Text wrap="truncate-end">
      {keys.map(([key, action], position) => (
        <Text key={key}>
          {position === 0 ? '' : '  '}
          <Text bold>{key}</Text> <Text dimColor>{action}</Text>
        </Text>
      ))}
    </Text>
  </Box>
);

export interface FrameProps {
  readonly size: Size;
  readonly step: FrameStep;
  /** The keys that work right now, in the order a user needs them. */
  readonly keys: readonly KeyHint[];
  readonly children: ReactNode;
  /**
   * Whether the body also clips its rows to the width. Ink re-slices every
   * line of every frame to clip it (slice-ansi), a sixth of a frame's cost: a
   * screen whose rows are already cut to the width turns it off. @default true
   */
  readonly clipWidth?: boolean;
}

/**
 * Header, body, footer at exactly the terminal's size. The body has a fixed
 * height and clips, so however long its content the footer stays on screen.
 */
export const Frame = ({size, step, keys, children, clipWidth = true}: FrameProps) => (
  <Box flexDirection="column" width={size.columns} height={size.rows}>
    <Header step={step} width={size.columns} />
    <Box
      flexDirection="column"
      height={bodyRows(size)}
      overflowY="hidden"
      overflowX={clipWidth ? 'hidden' : 'visible'}
    >
      {children}
    </Box>
    <Footer keys={keys} width={size.columns} />
  </Box>
);
