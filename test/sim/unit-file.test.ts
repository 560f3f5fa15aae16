// How the simulated systemctl reads a unit file, on the units a LAN endpoint
// starts: Debian 12's own keepalived.service (1:2.2.7-1+b2) and
// haproxy.service (2.6.12-1+deb12u4), copied here as shipped.
import {describe, expect, it} from 'vitest';
import {serviceStart, startFailed} from '../../source/sim/unit-file.js';

const haproxyUnit = `[Unit]
Description=HAProxy Load Balancer
After=network-online.target rsyslog.service
Wants=network-online.target

[Service]
EnvironmentFile=-/etc/default/haproxy
EnvironmentFile=-/etc/sysconfig/haproxy
BindReadOnlyPaths=/dev/log:/var/lib/haproxy/dev/log
Environment="CONFIG=/etc/haproxy/haproxy.cfg" "PIDFILE=/run/haproxy.pid" "EXTRAOPTS=-S /run/haproxy-master.sock"
ExecStart=/usr/sbin/haproxy -Ws -f $CONFIG -p $PIDFILE $EXTRAOPTS
ExecReload=/usr/sbin/haproxy -Ws -f $CONFIG -c -q $EXTRAOPTS
ExecReload=/bin/kill -USR2 $MAINPID
KillMode=mixed
Restart=always
SuccessExitStatus=143
Type=notify

[Install]
WantedBy=multi-user.target
`;

const keepalivedUnit = `[Unit]
Description=Keepalive Daemon (LVS and VRRP)
After=network-online.target
Wants=network-online.target
ConditionFileNotEmpty=/etc/keepalived/keepalived.conf

[Service]
Type=notify
EnvironmentFile=-/etc/default/keepalived
ExecStart=/usr/sbin/keepalived --dont-fork $DAEMON_ARGS
ExecReload=/bin/kill -HUP $MAINPID

[Install]
WantedBy=multi-user.target
`;

const files =
  (entries: Record<string, string>) =>
  (path: string): string | undefined =>
    entries[path];

describe('serviceStart', () => {
  it("haproxy: a quoted assignment keeps its spaces (EXTRAOPTS is two words), missing '-' files are fine", () => {
    const start = serviceStart(haproxyUnit, files({}));
    expect(start.environment).toEqual({
      CONFIG: '/etc/haproxy/haproxy.cfg',
      PIDFILE: '/run/haproxy.pid',
      EXTRAOPTS: '-S /run/haproxy-master.sock',
    });
    expect(start.command).toBe('/usr/sbin/haproxy -Ws -f $CONFIG -p $PIDFILE $EXTRAOPTS');
    expect(start.type).toBe('notify');
    expect(start.skippedBecause).toBeUndefined();
  });

  it('an EnvironmentFile= overrides Environment=, whatever the order of the lines', () => {
    const start = serviceStart(
      haproxyUnit,
      files({
        '/etc/default/haproxy': '# comment\nCONFIG="/etc/haproxy/other.cfg"\n; also a comment\n',
      }),
    );
    expect(start.environment['CONFIG']).toBe('/etc/haproxy/other.cfg');
    expect(start.environment['PIDFILE']).toBe('/run/haproxy.pid');
  });

  it('keepalived: skipped (not failed) while its config is missing or empty, started once it has one', () => {
    expect(serviceStart(keepalivedUnit, files({})).skippedBecause).toBe(
      'ConditionFileNotEmpty=/etc/keepalived/keepalived.conf was not met',
    );
    expect(
      serviceStart(keepalivedUnit, files({'/etc/keepalived/keepalived.conf': ''})).skippedBecause,
    ).toBeDefined();
    const start = serviceStart(
      keepalivedUnit,
      files({
        '/etc/keepalived/keepalived.conf': 'vrrp_instance x {}\n',
        '/etc/default/keepalived': '# Options to pass to keepalived\nDAEMON_ARGS=""\n',
      }),
    );
    expect(start.skippedBecause).toBeUndefined();
    expect(start.environment).toEqual({DAEMON_ARGS: ''});
    expect(start.command).toBe('/usr/sbin/keepalived --dont-fork $DAEMON_ARGS');
  });

  it('ExecStartPre= in order, a leading - ignoring its failure; an empty Environment= resets the list', () => {
    const start = serviceStart(
      '[Service]\nEnvironment=A=1 B=2\nEnvironment=\nEnvironment=C=3\nExecStartPre=-/bin/false\nExecStartPre=/usr/bin/check\nExecStart=/usr/bin/run\n',
      files({}),
    );
    expect(start.environment).toEqual({C: '3'});
    expect(start.preStart).toEqual([
      {command: '/bin/false', ignoreFailure: true},
      {command: '/usr/bin/check', ignoreFailure: false},
    ]);
    expect(start.type).toBe('simple');
  });

  it("a failed start reads as systemctl's", () => {
    expect(startFailed('haproxy.service')).toBe(
      'Job for haproxy.service failed because the control process exited with error code.\nSee "systemctl status haproxy.service" and "journalctl -xeu haproxy.service" for details.\n',
    );
  });
});
