// `tailscale debug prefs`: this node's own flags. Shared by the run's phases
// (5 and 6) and by `ha-wizard doctor`, so both read RouteAll the same way.

export interface Prefs {
  readonly routeAll: boolean;
  readonly advertiseRoutes: readonly string[];
  /** The control server this node logs in to (`--login-server`): Headscale's URL on a Headscale tailnet. */
  readonly controlUrl: string | undefined;
}

/** The prefs, or undefined when the text is not a JSON object (tailscaled not running). */
export const parsePrefs = (stdout: string): Prefs | undefined => {
  let prefs: unknown;
  try {
    prefs = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof prefs !== 'object' || prefs === null || Array.isArray(prefs)) return undefined;
  const record = prefs as Record<string, unknown>;
  const routes = record['AdvertiseRoutes'];
  const controlUrl = record['ControlURL'];
  return {
    routeAll: record['RouteAll'] === true,
    controlUrl: typeof controlUrl === 'string' && controlUrl !== '' ? controlUrl : undefined,
    // `null` when the node advertises nothing (fixtures/real/tailscale-debug-prefs-linux.json).
    advertiseRoutes: Array.isArray(routes)
      ? routes.filter((route): route is string => typeof route === 'string')
      : [],
  };
};
