// The lab's skip rule: printed when the lab cannot run here, and under CI=true
// not a skip at all but a failure that names what is missing.
import {afterEach, describe, expect, it, vi} from 'vitest';
import {labSkipReason} from './skip.js';

describe('labSkipReason', () => {
  afterEach(() => vi.unstubAllEnvs());
  const missing = {path: '/nonexistent/hwlab-required-file', reason: 'the thing is missing'};

  it('gives the reason, printed, when the lab cannot run outside CI', () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(labSkipReason('some.lab.test.ts', missing)).toMatch(/./);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^some\.lab\.test\.ts: lab tests skipped: /),
    );
    warn.mockRestore();
  });

  it('throws under CI=true, naming the file and what is missing', () => {
    vi.stubEnv('CI', 'true');
    expect(() => labSkipReason('some.lab.test.ts', missing)).toThrow(
      /^some\.lab\.test\.ts: the lab cannot run under CI=true: /,
    );
  });
});
