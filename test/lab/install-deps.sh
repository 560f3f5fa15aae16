#!/bin/bash
# Installs what the lab needs (curl: the phases and the health gate probe /readyz with it;
# nftables: the workstation's masquerade and the relay drills; keepalived and haproxy: the LAN
# endpoints' real daemons, run inside the hosts of `up --lan`; iputils-arping: the simulated
# kube-vip's gratuitous ARP) from Debian's apt, idempotently and quietly.
# The real tailnet's binaries are built by scripts/lab-binaries.sh.
# It never starts or leaves a system sshd (or containerd) running: services are
# blocked while installing (policy-rc.d) and, when systemd runs, the units this
# script newly installed are disabled and stopped.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

[ "$(id -u)" = 0 ] || { echo "install-deps.sh needs root" >&2; exit 1; }

packages=(openssh-server openssh-client sudo jq iproute2 util-linux containerd curl nftables keepalived haproxy iputils-arping)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2

# Block service starts for the duration of the install (a Docker-style
# policy-rc.d that is already there is left as it is).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# hwlab install-deps.sh: no service starts while installing\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  made_policy=1
fi
cleanup() { [ "$made_policy" = 1 ] && rm -f "$policy"; return 0; }
trap cleanup EXIT

# A package list older than a day (or none) is refreshed first.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
  apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
fi
log=$(mktemp)
if ! apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"

# With systemd as PID 1, make sure the freshly installed services neither run nor start at boot.
if [ -d /run/systemd/system ]; then
  for m in "${missing[@]}"; do
    case "$m" in
      openssh-server) systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true ;;
      containerd) systemctl disable --now containerd.service >/dev/null 2>&1 || true ;;
      keepalived | haproxy) systemctl disable --now "$m.service" >/dev/null 2>&1 || true ;;
    esac
  done
fi
echo "installed: ${missing[*]}" >&2
