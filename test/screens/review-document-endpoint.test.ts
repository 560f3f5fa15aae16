// The Review document names route approval only where there is a route to
// approve: the Tailscale VIP's; a LAN endpoint's VIP moves by ARP (issue 11).
import {describe, expect, it} from 'vitest';
import {planDocument} from '../../screens/review-document.js';
import {goldenCases} from '../core/artifacts-plans.js';

const texts = (name: string) =>
  planDocument(goldenCases[name]!, [], 80).lines.map((entry) => entry.text);

describe('planDocument and the endpoint', () => {
  it('shows route approval for the Tailscale VIP only', () => {
    expect(texts('A').some((text) => text.startsWith('Route approval:'))).toBe(true);
    expect(texts('C').some((text) => text.startsWith('Route approval:'))).toBe(false);
  });
});
