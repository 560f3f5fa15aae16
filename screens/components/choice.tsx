import {Box, Text} from 'ink';
import {symbols, theme} from '../theme.js';

export interface ChoiceProps<V extends string> {
  readonly label: string;
  readonly options: ReadonlyArray<{readonly value: V; readonly label: string}>;
  readonly value: V;
  readonly isHighlighted: boolean;
  readonly labelWidth: number;
}

/** `● ssh-agent  ○ key file  ○ Tailscale SSH`: the marker, not the colour, says which is chosen. */
export const Choice = <V extends string>({
  label,
  options,
  value,
  isHighlighted,
  labelWidth,
}: ChoiceProps<V>) => (
  <Box>
    <Box width={2} flexShrink={0}>
      <Text color={theme.cursor}>{isHighlighted ? symbols.pointer : ' '}</Text>
    </Box>
    <Box width={labelWidth} flexShrink={0}>
      <Text wrap="truncate-end" bold={isHighlighted}>
        {label}
      </Text>
    </Box>
    <Text wrap="truncate-end">
      {options.map((option, index) => (
        <Text key={option.value}>
          {index === 0 ? '' : '  '}
          <Text
            color={option.value === value ? theme.accent : undefined}
            dimColor={option.value !== value}
          >
            {option.value === value ? symbols.selected : symbols.unselected} {option.label}
          </Text>
        </Text>
      ))}
    </Text>
  </Box>
);
