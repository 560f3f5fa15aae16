// iproute2's `ip`, the subset the model and the phases use, over a links table
// kept in the host's files. The lab runs the real `ip` in each host's network
// namespace; the in-process demo has no namespace, so this answers instead and
// the demo's network (memory-world.ts) reads the same table to decide which
// host an address reaches (e.g. the VIP on lo1).
import {fail, ok, type SimEnv, type ToolResult} from './env.js';

export interface Link {
  readonly name: string;
  readonly up: boolean;
  /** `ADDRESS/PREFIX`, IPv4. */
  readonly addresses: readonly string[];
  readonly kind: 'loopback' | 'ether' | 'none' | 'dummy';
  readonly mtu: number;
}

export const linksFile = '/var/lib/hwlab/sim/links.json';

export const readLinks = (env: Pick<SimEnv, 'fs'>): Link[] =>
  JSON.parse(env.fs.read(linksFile) ?? '[]') as Link[];

const writeLinks = (env: SimEnv, links: readonly Link[]) =>
  env.fs.write(linksFile, `${JSON.stringify(links, null, 1)}\n`);

/** Whether `address` is configured on one of the host's links. */
export const holdsAddress = (env: Pick<SimEnv, 'fs'>, address: string): boolean =>
  readLinks(env).some((link) => link.up && link.addresses.some((a) => a.split('/')[0] === address));

const missing = (name: string) => fail(1, `Device "${name}" does not exist.\n`);

const flags = (link: Link) =>
  link.kind === 'loopback'
    ? ['LOOPBACK', 'UP', 'LOWER_UP']
    : [
        link.kind === 'none' ? 'POINTOPOINT' : 'BROADCAST',
        'NOARP',
        ...(link.up ? ['UP', 'LOWER_UP'] : []),
      ];

const operstate = (link: Link) =>
  link.up ? (link.kind === 'loopback' ? 'UNKNOWN' : 'UP') : 'DOWN';

/** `ip link show`'s two lines per link; `-o` joins them with a backslash. */
const linkLine = (link: Link, index: number, oneline: boolean) =>
  `${index + 1}: ${link.name}: <${flags(link).join(',')}> mtu ${link.mtu} qdisc noqueue state ${operstate(link)} mode DEFAULT group default qlen 1000${oneline ? '\\' : '\n'}    link/${link.kind === 'none' ? 'none' : link.kind === 'loopback' ? 'loopback 00:00:00:00:00:00' : 'ether 02:42:ac:11:00:02'}\n`;

const addrJson = (link: Link, index: number) => ({
  ifindex: index + 1,
  ifname: link.name,
  flags: flags(link),
  mtu: link.mtu,
  operstate: operstate(link),
  addr_info: link.addresses.map((address) => ({
    family: 'inet',
    local: address.split('/')[0],
    prefixlen: Number(address.split('/')[1] ?? 32),
    scope: address.startsWith('127.') ? 'host' : 'global',
    label: link.name,
    valid_life_time: 4294967295,
    preferred_life_time: 4294967295,
  })),
});

const withPrefix = (address: string) => (address.includes('/') ? address : `${address}/32`);

export const ip = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const json = argv.includes('-j');
  const oneline = argv.includes('-o');
  const line = (link: Link, index: number) => linkLine(link, index, oneline);
  const [object, verb = 'show', ...rest] = argv.filter((arg) => arg !== '-j' && arg !== '-o');
  const links = readLinks(env);
  const dev = rest.includes('dev') ? rest[rest.indexOf('dev') + 1] : undefined;
  const changing = verb !== 'show' && verb !== 'list';
  if (changing && env.uid !== 0) return fail(2, 'RTNETLINK answers: Operation not permitted\n');
  if (object === 'link') {
    const name = rest[0];
    const index = links.findIndex((link) => link.name === name);
    const link = links[index];
    switch (verb) {
      case 'show':
        if (name === undefined) return ok(links.map(line).join(''));
        return link ? ok(line(link, index)) : missing(name);
      case 'add': {
        if (!name) return fail(255, 'Not enough information: "dev" argument is required.\n');
        if (link) return fail(2, 'RTNETLINK answers: File exists\n');
        // The lab makes a port-less bridge where the kernel lacks dummy (host-tools.ts): a dummy either way.
        writeLinks(env, [...links, {name, up: false, addresses: [], kind: 'dummy', mtu: 1500}]);
        return ok();
      }
      case 'set': {
        if (!link || name === undefined) return missing(name ?? '');
        const up = rest.includes('up') ? true : rest.includes('down') ? false : link.up;
        writeLinks(
          env,
          links.map((l) => (l === link ? {...l, up} : l)),
        );
        return ok();
      }
      default:
        return fail(255, `Command "${verb}" is unknown, try "ip link help".\n`);
    }
  }
  if (object === 'addr' || object === 'address' || object === 'a') {
    if (verb === 'show' || verb === 'list') {
      const shown = links
        .map((link, index) => ({link, index}))
        .filter(({link}) => dev === undefined || link.name === dev);
      if (dev !== undefined && shown.length === 0) return missing(dev);
      if (json)
        return ok(`${JSON.stringify(shown.map(({link, index}) => addrJson(link, index)))}\n`);
      return ok(
        shown
          .map(
            ({link, index}) =>
              line(link, index) +
              link.addresses.map((a) => `    inet ${a} scope global ${link.name}\n`).join(''),
          )
          .join(''),
      );
    }
    const address = rest[0];
    const link = links.find((l) => l.name === dev);
    if (!address || dev === undefined)
      return fail(255, 'Not enough information: "dev" argument is required.\n');
    if (!link) return fail(1, `Cannot find device "${dev}"\n`);
    const cidr = withPrefix(address);
    const others = link.addresses.filter((a) => a !== cidr);
    if (verb === 'del' && others.length === link.addresses.length)
      return fail(2, 'RTNETLINK answers: Cannot assign requested address\n');
    if (verb === 'add' && others.length !== link.addresses.length)
      return fail(2, 'RTNETLINK answers: File exists\n');
    if (!['add', 'replace', 'del'].includes(verb))
      return fail(255, `Command "${verb}" is unknown, try "ip address help".\n`);
    writeLinks(
      env,
      links.map((l) =>
        l === link ? {...l, addresses: verb === 'del' ? others : [...others, cidr]} : l,
      ),
    );
    return ok();
  }
  return fail(255, `Object "${object ?? ''}" is unknown, try "ip help".\n`);
};
