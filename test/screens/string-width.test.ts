// The build measures Ink's text with screens/components/string-width.ts; it
// must answer exactly what string-width does, for the symbols it knows and for
// everything it hands on.
import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import fastStringWidth, {narrowSymbols} from '../../screens/components/string-width.js';
import {symbols} from '../../screens/theme.js';

const ascii = Array.from({length: 0x5f}, (_, at) => String.fromCharCode(0x20 + at)).join('');
const hard = [
  '😀',
  '👍🏽',
  '⏸️',
  '✔️',
  'é',
  'e\u0301',
  '漢',
  'ｱ',
  'ﾞ',
  '\u200d',
  '\t',
  '\u001b',
  '#\u20e3',
];
const styled = (text: string) => `\u001b[1m${text}\u001b[22m\u001b[2m \u001b[22m`;

describe('measuring text for Ink', () => {
  it('knows every symbol of its set one column wide, as string-width does', () => {
    for (const symbol of narrowSymbols) {
      expect(stringWidth(symbol)).toBe(1);
      expect(fastStringWidth(symbol)).toBe(1);
    }
  });

  it('covers the symbols the screens draw', () => {
    for (const symbol of Object.values(symbols))
      expect(`${ascii}${narrowSymbols}`).toContain(symbol);
  });

  it('answers as string-width does for any mix, styled or not, with or without options', () => {
    const character = fc.oneof(
      fc.constantFrom(...ascii),
      fc.constantFrom(...narrowSymbols),
      fc.constantFrom(...hard),
      fc.string({maxLength: 1, unit: 'grapheme'}),
    );
    const text = fc.array(character, {maxLength: 12}).map((parts) => parts.join(''));
    const options = fc.constantFrom(
      undefined,
      {},
      {ambiguousIsNarrow: false},
      {countAnsiEscapeCodes: true},
    );
    fc.assert(
      fc.property(text, fc.boolean(), options, (plain, style, option) => {
        const input = style ? styled(plain) : plain;
        expect(fastStringWidth(input, option)).toBe(stringWidth(input, option));
      }),
      {numRuns: 5000},
    );
  });

  it('measures a rule and a styled header as string-width does', () => {
    const rule = symbols.rule.repeat(80);
    expect(fastStringWidth(rule)).toBe(80);
    expect(fastStringWidth(styled('ha-wizard  1/5 Discover › Roles › Network'))).toBe(
      stringWidth(styled('ha-wizard  1/5 Discover › Roles › Network')),
    );
  });
});
