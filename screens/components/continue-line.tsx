import {Box, Text} from 'ink';
import type {Finding} from '../../source/core/validate/finding.js';
import {symbols, theme} from '../theme.js';
import {plural} from './text.js';

export interface ContinueLineProps {
  /** Error findings that stop the user moving on from this screen. */
  readonly blockers: readonly Finding[];
  readonly isHighlighted: boolean;
  /** e.g. `Continue to Network`. */
  readonly label: string;
}

/** The "Continue" row: says what is in the way instead of silently doing nothing. */
export const ContinueLine = ({blockers, isHighlighted, label}: ContinueLineProps) => (
  <Box>
    <Box width={2} flexShrink={0}>
      <Text color={theme.cursor}>{isHighlighted ? symbols.pointer : ' '}</Text>
    </Box>
    {blockers.length === 0 ? (
      <Text bold={isHighlighted} color={theme.ok} wrap="truncate-end">
        {label} ▸
      </Text>
    ) : (
      <Text color={theme.error} wrap="truncate-end">
        {symbols.error} Fix the {plural(blockers.length, 'error')} above, or press Enter twice to go
        on anyway.
      </Text>
    )}
  </Box>
);
