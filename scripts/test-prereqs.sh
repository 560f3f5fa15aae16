#!/bin/bash
# Runs before `npm test`: the lab tests drive real sshd hosts in network
# namespaces, which needs root and a few Debian packages. As root, install what
# is missing (quiet and idempotent); otherwise say once why the lab is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  bash test/lab/install-deps.sh
else
  echo "note: not root (or no apt-get): the lab tests (real sshd hosts in network namespaces) will be skipped." >&2
fi
