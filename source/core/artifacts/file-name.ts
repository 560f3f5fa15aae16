// A node name comes from the tailnet and becomes part of a path: it must not
// be able to climb out of the output folder or name a hidden file.
export const fileNamePart = (name: string): string =>
  name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '') || 'node';
