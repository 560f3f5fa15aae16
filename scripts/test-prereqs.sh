#!/bin/bash
# Runs before `npm test`: the lab tests drive real sshd hosts in network
# namespaces over a real tailnet, which needs root, a few Debian packages and the
# tailnet's binaries (built from Go modules). As root, install and build what is
# missing (idempotent, and it says what it builds); otherwise say once why the lab is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  bash test/lab/install-deps.sh
  # The real tailnet (tailscaled, tailscale, Headscale): built from Go modules once, then cached.
  bash scripts/lab-binaries.sh >/dev/null
else
  echo "note: not root (or no apt-get): the lab tests (real sshd hosts in network namespaces) will be skipped." >&2
fi
