import {Box, Text} from 'ink';
import type {ReactNode} from 'react';

export interface CellProps {
  /** Columns including the one-space gap after the text. */
  readonly width: number;
  readonly children: ReactNode;
  readonly color?: string;
  readonly dim?: boolean;
  readonly bold?: boolean;
}

/** One table cell: truncated with `…`, never wrapped, so each row stays one line. */
export const Cell = ({width, children, color, dim, bold}: CellProps) => (
  <Box width={width} flexShrink={0} paddingRight={1}>
    <Text wrap="truncate-end" color={color} dimColor={dim} bold={bold}>
      {children}
    </Text>
  </Box>
);
