/** The terminal's size as the screens lay themselves out for it. */
export interface Size {
  readonly columns: number;
  readonly rows: number;
}

/** Header: the step line and a rule. Footer: a rule and the key line. */
export const chromeRows = 4;

/** Rows left for a screen's body between header and footer. */
export const bodyRows = (size: Size): number => Math.max(1, size.rows - chromeRows);

/** Below this the screens cannot show a useful table; the app says so instead of drawing garbage. */
export const minimumSize: Size = {columns: 60, rows: 16};

export const fitsMinimum = (size: Size): boolean =>
  size.columns >= minimumSize.columns && size.rows >= minimumSize.rows;
