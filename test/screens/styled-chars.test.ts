// The wrapper the build puts in front of Ink's ansi-tokenize must join a row's
// characters exactly as the library does, or every frame would be drawn wrong.
import * as library from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {styledCharsToString} from '../../screens/components/styled-chars.js';

// SGR codes Ink's colours and styles write: resets, intensity (bold and dim
// share 22), italic, underline, inverse, 16/256/true colours, backgrounds.
const codes = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '7',
  '22',
  '23',
  '24',
  '27',
  '39',
  '49',
  '31',
  '32',
  '33',
  '90',
  '38;5;208',
  '38;2;10;20;30',
  '41',
  '48;5;17',
];
const piece = fc.oneof(
  fc.constantFrom(...codes).map((code) => `\u001B[${code}m`),
  fc.constantFrom('a', ' ', '─', '›', '✓', '서', '…'),
  fc.string({maxLength: 4}),
);
const row = fc.array(piece, {maxLength: 40}).map((pieces) => pieces.join(''));

describe('styledCharsToString', () => {
  it('joins every row as the library does', () => {
    fc.assert(
      fc.property(row, (text) => {
        const chars = library.styledCharsFromTokens(library.tokenize(text));
        expect(styledCharsToString(chars)).toBe(library.styledCharsToString(chars));
      }),
      {numRuns: 3000},
    );
  });

  it('skips nothing it must write: a style change mid-row and the reset at the end', () => {
    const chars = library.styledCharsFromTokens(library.tokenize('ab\u001B[2mcd\u001B[22me'));
    expect(styledCharsToString(chars)).toBe('ab\u001B[2mcd\u001B[22me');
    const dimEnd = library.styledCharsFromTokens(library.tokenize('\u001B[2mx'));
    expect(styledCharsToString(dimEnd)).toBe('\u001B[2mx\u001B[22m');
  });
});
