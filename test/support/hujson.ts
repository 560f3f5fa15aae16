/**
 * HuJSON (JSON with comments and trailing commas, Tailscale's policy format)
 * read as Tailscale reads it: `//` and `/* *\/` comments outside strings are
 * dropped, and so is a comma before `]` or `}`; the rest must be JSON.
 */
export const parseHujson = (text: string): unknown => {
  let out = '';
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (char === '"') {
      const end = /"(?:[^"\\]|\\.)*"/y;
      end.lastIndex = at;
      const string = end.exec(text)?.[0] ?? char;
      out += string;
      at += string.length - 1;
    } else if (text.startsWith('//', at)) {
      at = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at) - 1;
    } else if (text.startsWith('/*', at)) {
      at = text.indexOf('*/', at + 2) + 1;
    } else out += char;
  }
  return JSON.parse(out.replace(/,(\s*[\]}])/g, '$1'));
};
