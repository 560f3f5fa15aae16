#!/bin/bash
# The lab's real tailnet: tailscaled, tailscale and Headscale, built from Go
# modules at pinned versions into a cache outside the repository, once per
# version. A build takes a few minutes on 2 cores, so it runs only when a binary
# is missing, and says what it is doing.
#
#   bash scripts/lab-binaries.sh          # build what is missing, print the cache dir
#
# The cache is ${HWLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ha-wizard-lab}/NAME-VERSION/.
# Each tool is built from a throwaway main module that requires exactly that
# version (not `go install m@v`): `go install` asks the module proxy for the
# module's version list to check deprecation, and the proxy here refuses that
# list for Headscale. A module that requires only the tool resolves the tool's
# own go.mod, so the dependency versions are the release's.
set -euo pipefail

tailscale_version=1.98.10
headscale_version=0.29.2
cache=${HWLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ha-wizard-lab}

if ! command -v go >/dev/null; then
  echo "lab-binaries: go is not installed; the lab's real tailnet is built from Go modules (Go 1.26 or newer)." >&2
  exit 1
fi

# build DIR MODULE VERSION LDFLAGS PACKAGE...
build() {
  local dir=$1 module=$2 version=$3 ldflags=$4
  shift 4
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  printf 'module hwlab.local/build\n\ngo 1.26\n\nrequire %s v%s\n' "$module" "$version" >"$work/go.mod"
  mkdir -p "$dir.partial"
  for package in "$@"; do
    (cd "$work" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod \
      go build -trimpath -ldflags "$ldflags" -o "$dir.partial/${package##*/}" "$package")
  done
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
}

ts_dir=$cache/tailscale-$tailscale_version
if [ ! -x "$ts_dir/tailscaled" ] || [ ! -x "$ts_dir/tailscale" ]; then
  echo "lab-binaries: building tailscaled and tailscale $tailscale_version into $ts_dir (a few minutes, once)" >&2
  stamp="-X tailscale.com/version.longStamp=$tailscale_version -X tailscale.com/version.shortStamp=$tailscale_version"
  build "$ts_dir" tailscale.com "$tailscale_version" "$stamp" \
    tailscale.com/cmd/tailscaled tailscale.com/cmd/tailscale
fi

hs_dir=$cache/headscale-$headscale_version
if [ ! -x "$hs_dir/headscale" ]; then
  echo "lab-binaries: building headscale $headscale_version into $hs_dir (a few minutes, once)" >&2
  build "$hs_dir" github.com/juanfont/headscale "$headscale_version" "" \
    github.com/juanfont/headscale/cmd/headscale
fi
echo "$cache"
