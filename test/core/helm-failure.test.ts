// The suggestion shown when the Cilium install fails follows helm's own
// message (F6): it used to blame the internet whatever happened.
import {describe, expect, it} from 'vitest';
import {helmFailureSuggestion} from '../../source/core/remote/helm-failure.js';

describe('helmFailureSuggestion', () => {
  it('a missing helm (sudo’s message) says to install helm, not to check the internet', () => {
    const text = helmFailureSuggestion('cp1', 'sudo: helm: command not found\n');
    expect(text).toMatch(/^helm is not installed where sudo looks on cp1/);
    expect(text).not.toMatch(/internet|DNS/);
  });

  it('an apiserver helm cannot reach points at the apiserver', () => {
    const text = helmFailureSuggestion(
      'cp1',
      'Error: Kubernetes cluster unreachable: Get "https://10.200.0.1:6443/version": dial tcp 10.200.0.1:6443: connect: connection refused\n',
    );
    expect(text).toMatch(
      /^helm could not reach the apiserver through \/etc\/kubernetes\/admin\.conf on cp1/,
    );
  });

  it('a chart repository it cannot download from is the internet', () => {
    expect(
      helmFailureSuggestion(
        'cp1',
        'Error: looks like "https://helm.cilium.io" is not a valid chart repository or cannot be reached: Get "https://helm.cilium.io/index.yaml": dial tcp: lookup helm.cilium.io on 127.0.0.53:53: server misbehaving\n',
      ),
    ).toMatch(
      /^cp1 could not download the Cilium chart from https:\/\/helm\.cilium\.io: check its internet access and DNS/,
    );
  });

  it('anything else sends the reader to helm’s own message', () => {
    expect(
      helmFailureSuggestion('cp1', 'Error: UPGRADE FAILED: another operation is in progress\n'),
    ).toMatch(/^Read helm's message above/);
  });
});
