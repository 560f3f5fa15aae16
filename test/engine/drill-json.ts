// The drill's one JSON line, held to the contract (issue 11): exactly one
// line on stdout, these keys in this order.
import {expect} from 'vitest';

export interface DrillJson {
  ok: boolean;
  endpoint: string;
  holderBefore: string;
  holderAfter: string | null;
  downSeconds: number | null;
  restoredSeconds: number | null;
}

export const parseDrillJson = (stdout: string): DrillJson => {
  const lines = stdout.trim().split('\n');
  expect(lines, 'stdout holds exactly one line').toHaveLength(1);
  const json = JSON.parse(lines[0] ?? '') as DrillJson;
  expect(Object.keys(json)).toEqual([
    'ok',
    'endpoint',
    'holderBefore',
    'holderAfter',
    'downSeconds',
    'restoredSeconds',
  ]);
  return json;
};
