import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {eligibility} from '../source/core/tailnet/eligibility.js';
import type {Peer, Tailnet} from '../source/core/tailnet/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {Frame, type KeyHint} from './components/frame.js';
import {useCursor} from './components/use-cursor.js';
import {isContinueKey, isQuitKey, useKeys} from './components/keys.js';
import {bodyRows, type Size} from './components/layout.js';
import {clamp, windowAround} from './components/scroll.js';
import {TableRow, type RowCell} from './components/table-row.js';
import {plural, wrapWords} from './components/text.js';
import {symbols, theme} from './theme.js';

export interface DiscoverScreenProps {
  readonly size: Size;
  /** Undefined when the tailnet could not be read; `unavailableReason` says why. */
  readonly tailnet: Tailnet | undefined;
  readonly unavailableReason?: string;
  readonly isActive: boolean;
  /** Where the highlight starts, so coming back to the screen finds it where it was left. */
  readonly initialCursor?: number;
  readonly onCursorChange?: (cursor: number) => void;
  /** Load the built-in demo tailnet (`d`), offered when the real one is unavailable. */
  readonly onLoadDemo: () => void;
  /**
   * Asks to move on. The app validates the latest inputs (which may be newer
   * than this render's findings) and moves on unless errors block; it returns
   * those blocking errors, empty when it moved on.
   */
  readonly onContinue: () => readonly Finding[];
  readonly onQuit: () => void;
}

interface Columns {
  readonly host: number;
  readonly os: number;
  readonly ip: number;
  readonly online: number;
  readonly tags: number;
  readonly routes: number;
  /** A separate "why not" column on wide terminals; at 80 columns the reason replaces tags and routes. */
  readonly note: number;
}

const marker = 2;

export const discoverColumns = (width: number): Columns => {
  const os = 9;
  const ip = 16;
  const online = 8;
  const flexible = Math.max(20, width - marker - os - ip - online);
  if (width >= 110) {
    const host = Math.floor(flexible * 0.25);
    const tags = Math.floor(flexible * 0.2);
    const routes = Math.floor(flexible * 0.25);
    return {host, os, ip, online, tags, routes, note: flexible - host - tags - routes};
  }
  const host = Math.floor(flexible * 0.36);
  const tags = Math.floor(flexible * 0.3);
  return {host, os, ip, online, tags, routes: flexible - host - tags, note: 0};
};

const list = (items: readonly string[]): string => (items.length ? items.join(',') : '—');

const Row = ({
  peer,
  columns,
  isCursor,
}: {
  readonly peer: Peer;
  readonly columns: Columns;
  readonly isCursor: boolean;
}) => {
  const verdict = eligibility(peer);
  const dim = !verdict.eligible;
  const host = `${peer.isSelf ? symbols.self : ''}${peer.hostName}`;
  const reason = verdict.eligible ? '' : `not a node: ${verdict.reason}`;
  const cells: RowCell[] = [
    {text: isCursor ? symbols.pointer : ' ', width: marker, color: theme.cursor},
    {text: host, width: columns.host, dim, bold: isCursor},
    {text: peer.os || '?', width: columns.os, dim},
    {text: peer.ipv4 ?? '—', width: columns.ip, dim},
    {text: peer.online ? 'online' : 'offline', width: columns.online, dim},
  ];
  if (columns.note === 0 && !verdict.eligible)
    cells.push({text: reason, width: columns.tags + columns.routes, dim: true});
  else {
    cells.push(
      {text: list(peer.tags), width: columns.tags, dim},
      {text: list(peer.advertisedRoutes), width: columns.routes, dim},
    );
    if (columns.note > 0) cells.push({text: reason, width: columns.note, dim: true});
  }
  return <TableRow cells={cells} />;
};

const HeaderRow = ({columns}: {readonly columns: Columns}) => (
  <TableRow
    cells={[
      {text: '', width: marker},
      {text: 'Host', width: columns.host, bold: true},
      {text: 'OS', width: columns.os, bold: true},
      {text: 'Tailscale IPv4', width: columns.ip, bold: true},
      {text: 'Online', width: columns.online, bold: true},
      {text: 'Tags', width: columns.tags, bold: true},
      {text: 'Routes', width: columns.routes, bold: true},
      ...(columns.note > 0 ? [{text: 'Note', width: columns.note, bold: true}] : []),
    ]}
  />
);

/** Everything about the highlighted device, untruncated where the table had to cut. */
const Detail = ({peer}: {readonly peer: Peer}) => {
  const verdict = eligibility(peer);
  return (
    <Box flexDirection="column" height={2}>
      <Text wrap="truncate-end">
        <Text bold>{peer.hostName}</Text>
        {peer.isSelf ? <Text> (this machine)</Text> : null}
        <Text dimColor>{`  ${peer.dnsName || 'no MagicDNS name'}`}</Text>
        {verdict.eligible ? (
          <Text color={theme.ok}>{`  ${symbols.ok} can be a node`}</Text>
        ) : (
          <Text color={theme.warning}>{`  cannot be a node: ${verdict.reason}`}</Text>
        )}
      </Text>
      <Text wrap="truncate-end" dimColor>
        {`tags ${list(peer.tags)} · routes ${list(peer.advertisedRoutes)}`}
      </Text>
    </Box>
  );
};

const Unavailable = ({
  reason,
  width,
}: {
  readonly reason: string | undefined;
  readonly width: number;
}) => (
  <Box flexDirection="column">
    {wrapWords(
      `${symbols.error} Could not read the tailnet: ${(reason ?? 'no status was given').replace(/\.$/, '')}.`,
      width,
    ).map((line, index) => (
      <Text key={index} color={theme.error}>
        {line}
      </Text>
    ))}
    <Text> </Text>
    {wrapWords(
      'Press d to try the whole wizard on a demo tailnet (made-up Raspberry Pis, a mini PC, a NAS, a phone and an offline laptop), or q to quit and fix the problem first.',
      width,
    ).map((line, index) => (
      <Text key={index}>{line}</Text>
    ))}
  </Box>
);

const tableKeys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['PgUp/PgDn', 'page'],
  ['Enter/→', 'continue'],
  ['q', 'quit'],
];
const unavailableKeys: readonly KeyHint[] = [
  ['d', 'demo tailnet'],
  ['q', 'quit'],
];

/** Step 1: every device on the tailnet, and which can be nodes. */
export const DiscoverScreen = ({
  size,
  tailnet,
  unavailableReason,
  isActive,
  initialCursor,
  onCursorChange,
  onLoadDemo,
  onContinue,
  onQuit,
}: DiscoverScreenProps) => {
  const [cursor, setCursor] = useCursor(initialCursor, onCursorChange);
  const peers = tailnet?.peers ?? [];
  // One pass per tailnet, not per key press.
  const eligibleCount = useMemo(
    () => (tailnet ? tailnet.peers.filter((peer) => eligibility(peer).eligible).length : 0),
    [tailnet],
  );
  // Summary, table header, detail (2 lines) around the list.
  const listHeight = Math.max(1, bodyRows(size) - 4);
  const last = peers.length - 1;

  useKeys(
    (input, key) => {
      if (isQuitKey(input, key)) onQuit();
      // The app decides on its latest state: `d` and Enter may come in one chunk, before a render.
      else if (isContinueKey(key)) onContinue();
      else if (!tailnet) {
        if (input === 'd') onLoadDemo();
      } else if (key.upArrow) setCursor((value) => clamp(value - 1, 0, last));
      else if (key.downArrow) setCursor((value) => clamp(value + 1, 0, last));
      else if (key.pageUp) setCursor((value) => clamp(value - listHeight, 0, last));
      else if (key.pageDown) setCursor((value) => clamp(value + listHeight, 0, last));
      else if (key.home) setCursor(0);
      else if (key.end) setCursor(last);
    },
    {isActive, onQuit},
  );

  if (!tailnet) {
    return (
      <Frame size={size} step="discover" keys={unavailableKeys}>
        <Unavailable reason={unavailableReason} width={size.columns} />
      </Frame>
    );
  }

  const columns = discoverColumns(size.columns);
  const position = clamp(cursor, 0, last);
  const window = windowAround(position, peers.length, listHeight);
  const current = peers[position];
  const scrolled = peers.length > listHeight ? `  ${position + 1}/${peers.length}` : '';
  return (
    // Every line below is cut to the width already (truncate-end), so the body need not clip.
    <Frame size={size} step="discover" keys={tableKeys} clipWidth={false}>
      <Text wrap="truncate-end">
        {plural(peers.length, 'device')} from {tailnet.source} · {eligibleCount} can be nodes ·{' '}
        {symbols.self} this machine
        <Text dimColor>{scrolled}</Text>
      </Text>
      <HeaderRow columns={columns} />
      <Box flexDirection="column" height={listHeight}>
        {peers.slice(window.start, window.end).map((peer, offset) => (
          <Row
            key={peer.id}
            peer={peer}
            columns={columns}
            isCursor={window.start + offset === position}
          />
        ))}
      </Box>
      {current ? <Detail peer={current} /> : <Text dimColor>No devices on this tailnet.</Text>}
    </Frame>
  );
};
