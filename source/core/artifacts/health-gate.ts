// The health gate (DOMAIN.md "Target topology"; issue 3 "The health gate"):
// Tailscale moves the VIP's route only when the primary router goes offline,
// not when its kube-apiserver dies, so a node with a dead apiserver but a live
// tailscaled would keep black-holing the API. Each control plane runs this
// small loop: after FAIL_AFTER failed /readyz polls (the first failure is
// confirmed quickly, CONFIRM_INTERVAL apart, not a whole INTERVAL) it takes the VIP off lo1
// and withdraws VIP/32 from its advertised routes; after RECOVER_AFTER good
// polls it puts both back. Between transitions it keeps checking, as other
// tools (networkd, an apply re-run) can undo its decision. Plain POSIX sh plus curl, ip and tailscale: every
// node already has them, so the wizard ships no binary.
import {quoteArgument} from '../remote/quote.js';
import {lo1Interface} from './networkd.js';
import {vipAddress} from './vip.js';

export const healthGatePaths = {
  script: '/usr/local/lib/ha-wizard/health-gate',
  env: '/etc/ha-wizard/health-gate.env',
  unit: '/etc/systemd/system/ha-wizard-health-gate.service',
} as const;

export const healthGateUnitName = 'ha-wizard-health-gate.service';

export interface HealthGateSettings {
  /** Seconds between polls. */
  readonly intervalSeconds: number;
  /** Consecutive failed polls before the VIP is withdrawn. */
  readonly failAfter: number;
  /** Seconds between polls once one has failed: confirming a failure should not wait a whole interval. */
  readonly confirmSeconds: number;
  /** Consecutive good polls before it is put back. */
  readonly recoverAfter: number;
}

// A poll every 2 s; a failure is confirmed by two more polls 0.25 s apart, so
// one lost probe never moves the route, and a dead apiserver loses the VIP
// within one interval and a half second (issue 5's aim: the poll interval plus
// 1 s, with Tailscale's own reaction). An apiserver that is restarting is not
// serving either: moving the VIP off it is the point.
export const defaultHealthGateSettings: HealthGateSettings = {
  intervalSeconds: 2,
  failAfter: 3,
  confirmSeconds: 0.25,
  recoverAfter: 2,
};

/**
 * `/etc/ha-wizard/health-gate.env`, sourced by the script. It holds no routes:
 * `--advertise-routes` replaces the node's whole list (DOMAIN.md phase 5), so
 * the gate reads what the node advertises at the moment it acts, and a route
 * added after install survives. Each value is quoted with quoteArgument, as
 * the file is shell.
 */
export const healthGateEnv = (
  vip: string,
  settings: HealthGateSettings = defaultHealthGateSettings,
): string => {
  const line = (name: string, value: string | number) => `${name}=${quoteArgument(String(value))}`;
  return [
    '# ha-wizard health gate settings (sourced by /usr/local/lib/ha-wizard/health-gate).',
    line('VIP', vipAddress(vip)),
    line('INTERFACE', lo1Interface),
    line('READYZ_URL', 'https://127.0.0.1:6443/readyz'),
    line('INTERVAL', settings.intervalSeconds),
    line('FAIL_AFTER', settings.failAfter),
    line('CONFIRM_INTERVAL', settings.confirmSeconds),
    line('RECOVER_AFTER', settings.recoverAfter),
    '',
  ].join('\n');
};

/** `/usr/local/lib/ha-wizard/health-gate`, mode 0755. */
export const healthGateScript = (): string => `#!/bin/sh
# ha-wizard health gate: this control plane holds the Kubernetes API's virtual IP
# (on lo1, and advertised as a Tailscale subnet route) only while its own
# kube-apiserver answers /readyz. Tailscale fails the route over only when a node
# goes offline, not when its apiserver dies; without this gate such a node keeps
# the route and black-holes the API.
#
# State is re-learned on every start (idempotent, safe to restart): the first
# FAIL_AFTER failures withdraw (after the first, polls come CONFIRM_INTERVAL
# apart until it is decided), the first RECOVER_AFTER successes (re)apply, and
# both actions are no-ops when already true. After that, each poll checks that
# the VIP is still where the gate left it, since something else can undo it: a
# networkd reload or an ha-wizard apply puts it back while the apiserver is
# still dead. While ready that is one ip call (a VIP missing from lo1 is what
# loses traffic); while not ready the prefs are read too, as a re-advertised
# VIP/32 draws the API's traffic here. A failed action is retried on the next
# poll. Changes are logged to stderr (the journal).
set -u

ENV_FILE=\${HEALTH_GATE_ENV:-/etc/ha-wizard/health-gate.env}
# shellcheck source=/dev/null
. "$ENV_FILE" || exit 1
: "\${VIP:?VIP is not set in $ENV_FILE}"
INTERFACE=\${INTERFACE:-lo1}
READYZ_URL=\${READYZ_URL:-https://127.0.0.1:6443/readyz}
INTERVAL=\${INTERVAL:-2}
FAIL_AFTER=\${FAIL_AFTER:-3}
CONFIRM_INTERVAL=\${CONFIRM_INTERVAL:-0.25}
RECOVER_AFTER=\${RECOVER_AFTER:-2}
# Stop after this many polls (0: never). For a bounded check by hand.
MAX_POLLS=\${MAX_POLLS:-0}

log() { echo "health-gate: $*" >&2; }

# kube-apiserver answers 200 "ok" when ready; curl exits 0 on a 500 too, so
# the body decides.
ready() {
  body=$(curl -sk --max-time 2 "$READYZ_URL" 2>/dev/null) && [ "$body" = ok ]
}

has_vip() {
  ip -o -4 addr show dev "$INTERFACE" 2>/dev/null | grep -q " inet $VIP/32 "
}

# --advertise-routes replaces the node's whole list, so the gate writes back
# what the node advertises now (a LAN route or an exit node added since the
# gate was installed included). Sets ADVERTISED (yes when VIP/32 is among the
# routes) and OTHERS (the rest, comma-separated). tailscale prints its prefs
# with Go's json.MarshalIndent, one key a line:
#	"AdvertiseRoutes": [
#		"192.168.1.0/24",
#		"10.0.0.1/32"
#	],
# or "AdvertiseRoutes": null (or []) when there are none. Failing to run or an
# output of any other shape fails here: taken as "no routes", it would wipe them.
read_routes() {
  prefs=$(tailscale debug prefs) || return 1
  routes=$(printf '%s\\n' "$prefs" | awk -v vip="$VIP/32" '
    list && /^[\\t ]*\\]/ { list = 0; done = 1; next }
    list {
      route = $0
      gsub(/[\\t ",]/, "", route)
      if (route !~ /^[0-9A-Fa-f.:]+\\/[0-9]+$/) { bad = 1; exit }
      if (route == vip) has = 1
      else { others = others sep route; sep = "," }
      next
    }
    /^[\\t ]*"AdvertiseRoutes": \\[$/ { list = 1 }
    /^[\\t ]*"AdvertiseRoutes": (null|\\[\\]),?$/ { done = 1 }
    END {
      if (bad || !done) exit 1
      print (has ? "yes" : "no") " " others
    }') || return 1
  ADVERTISED=\${routes%% *}
  OTHERS=\${routes#* }
}

advertise() {
  tailscale set --advertise-routes="$1"
}

withdraw() {
  if has_vip; then
    ip addr del "$VIP/32" dev "$INTERFACE" || return 1
  fi
  read_routes || return 1
  if [ "$ADVERTISED" = yes ]; then
    advertise "$OTHERS" || return 1
  fi
}

restore() {
  if ! has_vip; then
    ip addr add "$VIP/32" dev "$INTERFACE" || return 1
  fi
  read_routes || return 1
  if [ "$ADVERTISED" = no ]; then
    advertise "\${OTHERS:+$OTHERS,}$VIP/32" || return 1
  fi
}

# Whether the VIP is on lo1 or advertised although the gate withdrew it. Prefs
# that cannot be read prove nothing; the next poll looks again.
vip_came_back() {
  has_vip || { read_routes 2>/dev/null && [ "$ADVERTISED" = yes ]; }
}

state=unknown
good=0
bad=0
polls=0
log "watching $READYZ_URL for $VIP/32 on $INTERFACE"
while :; do
  if ready; then
    good=$((good + 1))
    bad=0
    if [ "$state" != up ]; then
      if [ "$good" -ge "$RECOVER_AFTER" ]; then
        if restore; then
          log "apiserver ready $good times in a row: holding $VIP/32 and advertising it"
          state=up
        else
          log "apiserver ready, but putting $VIP/32 back failed; retrying"
        fi
      fi
    elif ! has_vip; then
      if restore; then
        log "apiserver ready, but $VIP/32 was gone from $INTERFACE (not the gate's doing): put it back"
      else
        log "apiserver ready, but putting $VIP/32 back on $INTERFACE failed; retrying"
      fi
    fi
  else
    bad=$((bad + 1))
    good=0
    if [ "$state" != down ]; then
      if [ "$bad" -ge "$FAIL_AFTER" ]; then
        if withdraw; then
          log "apiserver not ready $bad times in a row: withdrew $VIP/32 from $INTERFACE and the advertised routes"
          state=down
        else
          log "apiserver not ready, but withdrawing $VIP/32 failed; retrying"
        fi
      fi
    elif vip_came_back; then
      if withdraw; then
        log "apiserver still not ready, but $VIP/32 was back on $INTERFACE or in the advertised routes (not the gate's doing, e.g. a networkd reload or an ha-wizard apply): withdrew it again"
      else
        log "apiserver still not ready, $VIP/32 is back, and withdrawing it again failed; retrying"
      fi
    fi
  fi
  polls=$((polls + 1))
  if [ "$MAX_POLLS" -gt 0 ] && [ "$polls" -ge "$MAX_POLLS" ]; then exit 0; fi
  if [ "$bad" -gt 0 ] && [ "$state" != down ]; then sleep "$CONFIRM_INTERVAL"; else sleep "$INTERVAL"; fi
done
`;

/** `/etc/systemd/system/ha-wizard-health-gate.service`. */
export const healthGateUnit = (): string => `[Unit]
Description=ha-wizard health gate: the Kubernetes API VIP only while the local kube-apiserver is ready
After=network-online.target tailscaled.service
Wants=network-online.target

[Service]
ExecStart=${healthGatePaths.script}
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
`;
