// Every single-choice list in the wizard is ink-select-input, drawn in the
// wizard's look (`›` and a bold label, a dim note beside it). Keyboard rule:
// while the list has `isFocused`, its ↑↓ (j/k), Enter and 1-9 are its own; the
// screen around it must leave those keys alone and may keep only what the list
// ignores (q to quit, Esc to close it), so exactly one element acts on a key.
import {Box, Text} from 'ink';
import SelectInput from 'ink-select-input';
import {useMemo} from 'react';
import {symbols, theme} from '../theme.js';

export interface SelectOption<V extends string> {
  readonly value: V;
  readonly label: string;
  /** A dim note after the label. */
  readonly help?: string;
}

export interface SelectListProps<V extends string> {
  readonly options: ReadonlyArray<SelectOption<V>>;
  /** Which option is highlighted when the list appears. */
  readonly initial?: V;
  readonly isFocused: boolean;
  readonly onSelect: (value: V) => void;
  /** The highlight moved to `value` (↑↓), e.g. to explain that option beside the list. */
  readonly onHighlight?: (value: V) => void;
  /** Width of the label column, so the notes line up. */
  readonly labelWidth?: number;
  /** Spaces before the pointer (a list under a form row is indented like its values). */
  readonly indent?: number;
}

const Pointer = ({isSelected = false}: {readonly isSelected?: boolean}) => (
  <Box width={2} flexShrink={0}>
    <Text color={theme.cursor}>{isSelected ? symbols.pointer : ' '}</Text>
  </Box>
);

export const SelectList = <V extends string>({
  options,
  initial,
  isFocused,
  onSelect,
  onHighlight,
  labelWidth,
  indent = 0,
}: SelectListProps<V>) => {
  // One component per set of labels (not per render), so React keeps the items mounted.
  const labels = JSON.stringify(options.map((option) => [option.label, option.help ?? '']));
  const Label = useMemo(() => {
    const help = new Map(options.map((option) => [option.label, option.help]));
    const Item = ({isSelected = false, label}: {readonly isSelected?: boolean; label: string}) => (
      <Box>
        <Box {...(labelWidth === undefined ? {} : {width: labelWidth})} flexShrink={0}>
          <Text bold={isSelected} wrap="truncate-end">
            {label}
          </Text>
        </Box>
        {help.get(label) ? (
          <Text dimColor wrap="truncate-end">
            {help.get(label)}
          </Text>
        ) : null}
      </Box>
    );
    return Item;
    // Keyed on `labels`: all it reads of `options`, which callers rebuild every render.
  }, [labels, labelWidth]);
  const index = Math.max(
    0,
    options.findIndex((option) => option.value === initial),
  );
  return (
    <Box marginLeft={indent}>
      <SelectInput
        items={options.map((option) => ({
          key: option.value,
          label: option.label,
          value: option.value,
        }))}
        initialIndex={index}
        isFocused={isFocused}
        indicatorComponent={Pointer}
        itemComponent={Label}
        onSelect={(item) => onSelect(item.value)}
        {...(onHighlight ? {onHighlight: (item: {value: V}) => onHighlight(item.value)} : {})}
      />
    </Box>
  );
};
