import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {fitCell, TableRow} from '../../screens/components/table-row.js';

// The table used to be a Box and a truncated Text per cell; one Text per row
// must draw exactly what those did, or the screens' columns would shift.
const boxCells = (cells: readonly {text: string; width: number}[]) => (
  <Box>
    {cells.map((cell, index) => (
      <Box key={index} width={cell.width} flexShrink={0} paddingRight={1}>
        <Text wrap="truncate-end">{cell.text}</Text>
      </Box>
    ))}
  </Box>
);

describe('TableRow', () => {
  const rows = [
    [
      {text: 'rpi4-a', width: 10},
      {text: 'linux', width: 9},
    ],
    [
      {text: 'a-host-name-far-too-long-for-it', width: 12},
      {text: '100.64.0.11', width: 16},
    ],
    // Wide characters: cut and padded by columns, not by code units.
    [
      {text: '서버-하나-둘-셋', width: 9},
      {text: 'tag:k8s,tag:control-plane', width: 14},
    ],
    [
      {text: 'x', width: 2},
      {text: '', width: 5},
    ],
  ];

  test.each(rows)('draws what a Box per cell drew (%#)', (...cells) => {
    const expected = render(boxCells(cells)).lastFrame()?.trimEnd();
    expect(
      render(<TableRow cells={cells} />)
        .lastFrame()
        ?.trimEnd(),
    ).toBe(expected);
  });

  test('a cell is exactly its width, its last column a gap', () => {
    expect(fitCell('abc', 6)).toBe('abc   ');
    expect(fitCell('abcdefgh', 6)).toBe('abcd… ');
  });
});
