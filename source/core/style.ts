// How output outside Ink marks what matters: ✓ green, ✗ red, warnings yellow,
// details dim, names bold. The formatters take a Style and stay pure; the
// commands hand them chalk's on a terminal (source/commands/colour.ts) and
// this plain one everywhere else (a pipe, the log file, NO_COLOR, --json).
export interface Style {
  readonly ok: (text: string) => string;
  readonly error: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const same = (text: string) => text;

export const plainStyle: Style = {ok: same, error: same, warning: same, dim: same, bold: same};
