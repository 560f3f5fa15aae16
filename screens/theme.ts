// Every colour and symbol the screens use. Colour is never the only cue: each
// coloured thing also carries a symbol or a word (✗ error, ! warning, › cursor).
// Ink's `color`/`dimColor` go through chalk, which honours NO_COLOR and FORCE_COLOR=0.
export const theme = {
  accent: 'cyan',
  error: 'red',
  warning: 'yellow',
  ok: 'green',
  /** The highlighted row's text. */
  cursor: 'cyan',
  /** Control planes in the role column. */
  controlPlane: 'magenta',
  worker: 'blue',
} as const;

export const symbols = {
  error: '✗',
  warning: '!',
  ok: '✓',
  pointer: '›',
  /** Marks the workstation (`Self`) in tables. */
  self: '*',
  /** Marks the init node. */
  init: '★',
  /** A text field's cursor; a glyph rather than inverse video so it survives NO_COLOR. */
  caret: '▌',
  selected: '●',
  unselected: '○',
  rule: '─',
} as const;
