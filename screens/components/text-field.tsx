import {Box, Text} from 'ink';
import {symbols, theme} from '../theme.js';

export interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  /** The row is highlighted. */
  readonly isHighlighted: boolean;
  /** Keys go into the field (shows the caret). */
  readonly isEditing: boolean;
  readonly labelWidth: number;
  readonly width: number;
  /** Shown dimmed after the value, e.g. `(default 10.200.0.1)`. */
  readonly hint?: string;
}

/**
 * A one-line text input's view. It owns no keys: the screen that shows it has
 * the keyboard and applies edits, so exactly one `useInput` is active.
 */
export const TextField = ({
  label,
  value,
  isHighlighted,
  isEditing,
  labelWidth,
  width,
  hint,
}: TextFieldProps) => (
  <Box width={width}>
    <Box width={2} flexShrink={0}>
      <Text color={theme.cursor}>{isHighlighted ? symbols.pointer : ' '}</Text>
    </Box>
    <Box width={labelWidth} flexShrink={0}>
      <Text wrap="truncate-end" bold={isHighlighted}>
        {label}
      </Text>
    </Box>
    <Text wrap="truncate-start">
      {value}
      {isEditing ? <Text color={theme.cursor}>{symbols.caret}</Text> : ''}
      {hint ? <Text dimColor>{`  ${hint}`}</Text> : ''}
    </Text>
  </Box>
);
