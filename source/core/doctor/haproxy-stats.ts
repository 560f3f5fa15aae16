// HAProxy's CSV stats (the `;csv` export of its stats page), as HAProxy 2.6
// documents them in doc/management.txt section 9.1: a first line starting
// with `# ` names the columns; every other line is one proxy, server or
// listener, comma-separated, a field in double quotes only when it holds a
// comma or a quote (a quote then doubled). Columns are read by their names,
// as the doc asks tools not to rely on positions past the static ones.
// Real output: fixtures/real/haproxy-stats-csv-2.6.12-*.csv.

export interface HaproxyServer {
  /** `pxname`: the backend, e.g. `apiserverbackend`. */
  readonly backend: string;
  /** `svname`: the server's name in haproxy.cfg. */
  readonly server: string;
  /** `status`: `UP`, `DOWN`, `UP 1/3` (going down), `DOWN 1/2` (going up), `NOLB`, `MAINT`, `no check` … */
  readonly status: string;
  /** `check_status`: `L7OK`, `L4CON`, `L7STS` …, `* ` in front while a check runs. */
  readonly checkStatus: string;
  /** `last_chk`: the last check's text, e.g. `Connection refused`; often empty. */
  readonly lastCheck: string;
}

/** One CSV line split into fields, with HAProxy's optional double quotes. */
const fields = (line: string): string[] => {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < line.length; at += 1) {
    const char = line[at];
    if (quoted) {
      if (char === '"' && line[at + 1] === '"') {
        field += '"';
        at += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      out.push(field);
      field = '';
    } else field += char;
  }
  out.push(field);
  return out;
};

// The `svname` of the rows that are not servers (src/stats.c): the proxy's own totals.
const notServers = new Set(['FRONTEND', 'BACKEND']);

/** Every server row, or undefined when the text is not HAProxy's CSV (no `# pxname,…` header). */
export const parseHaproxyCsv = (text: string): HaproxyServer[] | undefined => {
  const [header, ...rows] = text.split('\n');
  if (header === undefined || !header.startsWith('# ')) return undefined;
  const names = fields(header.slice(2));
  const column = (name: string) => names.indexOf(name);
  const at = {
    backend: column('pxname'),
    server: column('svname'),
    status: column('status'),
    checkStatus: column('check_status'),
    lastCheck: column('last_chk'),
    type: column('type'),
  };
  if (at.backend < 0 || at.server < 0 || at.status < 0) return undefined;
  const read = (row: string[], index: number) => (index < 0 ? '' : (row[index] ?? ''));
  return rows
    .filter((line) => line.trim() !== '')
    .map(fields)
    .filter((row) => {
      // `type` 2 is a server (doc/management.txt, field 32); older dumps without it: by name.
      const type = read(row, at.type);
      return type === '' ? !notServers.has(read(row, at.server)) : type === '2';
    })
    .map((row) => ({
      backend: read(row, at.backend),
      server: read(row, at.server),
      status: read(row, at.status),
      checkStatus: read(row, at.checkStatus),
      lastCheck: read(row, at.lastCheck),
    }));
};

/**
 * Whether HAProxy sends new connections to the server. `UP 2/3` is still up
 * (a check failed, not yet `fall` of them); `DOWN 1/2` is still down (not yet
 * `rise`); `NOLB` and `DRAIN` take no new connections; `no check` is up
 * (src/stats.c, v2.6.0, srv_hlt_st).
 */
export const serverUp = (server: HaproxyServer): boolean =>
  server.status === 'UP' || server.status.startsWith('UP ') || server.status === 'no check';

/** `DOWN (L4CON, Connection refused)`, for evidence. */
export const serverStateText = (server: HaproxyServer): string => {
  const check = [server.checkStatus.replace(/^\* /, ''), server.lastCheck].filter(
    (part) => part !== '',
  );
  return `${server.status}${check.length > 0 ? ` (${check.join(', ')})` : ''}`;
};
