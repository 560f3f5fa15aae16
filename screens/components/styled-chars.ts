// The build puts this in front of Ink's @alcalzone/ansi-tokenize
// (scripts/ink-fast-paths.mjs). Ink turns every row of every frame back into a
// string with styledCharsToString, which diffs the styles of each character
// against the one before it: three Sets and four arrays per character, ~1,900
// characters a frame, a tenth of the first frame's cost. Where two neighbours'
// styles are the same codes (nearly everywhere) that diff is empty, so it is
// skipped; anything else is the library's own diff.
// test/screens/styled-chars.test.ts holds this to the library's answers.
import {ansiCodesToString, diffAnsiCodes, type StyledChar} from '@alcalzone/ansi-tokenize';

export * from '@alcalzone/ansi-tokenize';

type Styles = StyledChar['styles'];

const sameCodes = (from: Styles, to: Styles): boolean => {
  if (from === to) return true;
  if (from.length !== to.length) return false;
  for (let at = 0; at < from.length; at += 1) if (from[at]!.code !== to[at]!.code) return false;
  return true;
};

const change = (from: Styles, to: Styles): string =>
  sameCodes(from, to) ? '' : ansiCodesToString(diffAnsiCodes(from, to));

/** What the library's styledCharsToString returns, for the same characters. */
export function styledCharsToString(chars: readonly StyledChar[]): string {
  let text = '';
  for (let at = 0; at < chars.length; at += 1) {
    const char = chars[at]!;
    text += at === 0 ? ansiCodesToString(char.styles) : change(chars[at - 1]!.styles, char.styles);
    text += char.value;
    if (at === chars.length - 1 && char.styles.length > 0)
      text += ansiCodesToString(diffAnsiCodes(char.styles, []));
  }
  return text;
}
