import {Box, Text} from 'ink';
import type {Finding} from '../../source/core/validate/finding.js';
import {symbols, theme} from '../theme.js';
import {wrapWords} from './text.js';

/** `✗ message` / `! message`: the prefix says the severity without colour. */
export const findingPrefix = (finding: Finding): string =>
  finding.severity === 'error' ? symbols.error : symbols.warning;

/** The lines a finding takes at `width`, continuation lines indented under the message. */
export const findingLines = (finding: Finding, width: number): string[] =>
  wrapWords(finding.message, width - 2).map((line, index) =>
    index === 0 ? `${findingPrefix(finding)} ${line}` : `  ${line}`,
  );

export const findingsHeight = (findings: readonly Finding[], width: number): number =>
  findings.reduce((sum, finding) => sum + findingLines(finding, width).length, 0);

export interface FindingListProps {
  readonly findings: readonly Finding[];
  readonly width: number;
  /** Columns to indent every line by (to sit under an input). */
  readonly indent?: number;
}

export const FindingList = ({findings, width, indent = 0}: FindingListProps) => (
  <Box flexDirection="column" paddingLeft={indent}>
    {findings.map((finding, index) => (
      <Box key={`${finding.code}-${index}`} flexDirection="column">
        {findingLines(finding, width - indent).map((line, lineIndex) => (
          <Text
            key={lineIndex}
            wrap="truncate-end"
            color={finding.severity === 'error' ? theme.error : theme.warning}
          >
            {line}
          </Text>
        ))}
      </Box>
    ))}
  </Box>
);
