// The build puts this in place of `string-width` for Ink (scripts/build.mjs).
// string-width measures any text other than plain ASCII grapheme by grapheme,
// and the first such text compiles its emoji pattern (\p{RGI_Emoji}): ~45 ms
// before the wizard's first frame, whose rules and arrows are not ASCII. Text
// made only of printable ASCII and the one-column symbols below (rules, arrows,
// ticks, the spinner) is as wide as it is long, which is what string-width
// answers for it too (test/screens/string-width.test.ts checks every symbol and
// mixes of them); anything else is still string-width's to measure.
import stripAnsi from 'strip-ansi';
import stringWidth from 'string-width';

/** One column each, never joined into a grapheme with a neighbour of this set. */
export const narrowSymbols =
  '·×–—…›−←↑→↓○●▸░▌█✓✗★' +
  // Box drawing (U+2500–U+257F) and Braille patterns (U+2800–U+28FF): rules, tables, spinners.
  String.fromCodePoint(...Array.from({length: 0x80}, (_, at) => 0x2500 + at)) +
  String.fromCodePoint(...Array.from({length: 0x100}, (_, at) => 0x2800 + at));

const escape = (text: string) => text.replace(/[\\\]^-]/g, '\\$&');
const narrowOnly = new RegExp(`^[\\u0020-\\u007E${escape(narrowSymbols)}]*$`);

type Options = Parameters<typeof stringWidth>[1];

/** string-width's answer, found without it when the text is plainly one column a character. */
export default function fastStringWidth(input: string, options?: Options): number {
  if (
    typeof input === 'string' &&
    options?.ambiguousIsNarrow !== false &&
    options?.countAnsiEscapeCodes !== true
  ) {
    const text = input.includes('\u001B') || input.includes('\u009B') ? stripAnsi(input) : input;
    if (narrowOnly.test(text)) return text.length;
  }
  return stringWidth(input, options);
}
