export interface ScrollWindow {
  /** First visible index. */
  readonly start: number;
  /** One past the last visible index. */
  readonly end: number;
}

/**
 * The slice of a list of `total` rows to show in `height` rows so that `cursor`
 * stays visible, roughly centred. Only this slice is rendered, so the cost of a
 * frame does not grow with the list (a tailnet can have thousands of devices).
 */
export const windowAround = (cursor: number, total: number, height: number): ScrollWindow => {
  const size = Math.max(1, height);
  if (total <= size) return {start: 0, end: total};
  const clamped = Math.min(Math.max(cursor, 0), total - 1);
  const start = Math.min(Math.max(clamped - Math.floor(size / 2), 0), total - size);
  return {start, end: start + size};
};

export const clamp = (value: number, low: number, high: number): number =>
  Math.min(Math.max(value, low), Math.max(low, high));
