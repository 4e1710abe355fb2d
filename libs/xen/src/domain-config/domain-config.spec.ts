import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { XenArgumentError } from '../errors/xen-argument.error';
import { XenParseError } from '../errors/xen-parse.error';
import { Vdev } from '../shell/argument-validators';
import { DOMAIN_ACTIONS, DomainSpec } from './domain-spec';
import { parseDomainConfig } from './parse-domain-config';
import { renderDomainConfig } from './render-domain-config';

const web1: DomainSpec = {
  name: 'web1',
  type: 'pvh',
  memoryMiB: 2048,
  maxMemoryMiB: 4096,
  vcpus: 2,
  maxVcpus: 4,
  cpuWeight: 256,
  capPercent: 0,
  boot: { bootloader: 'pygrub' },
  disks: [
    { target: '/dev/vg0/web1-root', vdev: 'xvda', access: 'w' },
    { target: '/dev/vg0/web1-root2', vdev: 'xvdb', access: 'w' },
    { target: '/dev/vg0/web1-swap', vdev: 'xvdc', access: 'w' },
  ],
  vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0', rateMbitPerSec: 10 }],
  onPoweroff: 'destroy',
  onReboot: 'restart',
  onCrash: 'restart',
};

function parseFailure(text: string): XenParseError {
  try {
    parseDomainConfig(text);
  } catch (error) {
    if (error instanceof XenParseError) return error;
    throw error;
  }
  throw new Error('expected a XenParseError');
}

describe('renderDomainConfig', () => {
  it('writes the xl.cfg form of the reference', () => {
    expect(renderDomainConfig(web1)).toBe(
      [
        'name       = "web1"',
        'type       = "pvh"',
        'memory     = 2048',
        'maxmem     = 4096',
        'vcpus      = 2',
        'maxvcpus   = 4',
        'cpu_weight = 256',
        'cap        = 0',
        'bootloader = "pygrub"',
        "disk = [ 'phy:/dev/vg0/web1-root,xvda,w', 'phy:/dev/vg0/web1-root2,xvdb,w', 'phy:/dev/vg0/web1-swap,xvdc,w' ]",
        "vif  = [ 'mac=00:16:3e:5a:01:02,bridge=xenbr0,rate=10Mb/s' ]",
        'on_poweroff = "destroy"',
        'on_reboot   = "restart"',
        'on_crash    = "restart"',
        '',
      ].join('\n'),
    );
  });

  it('refuses specs that would write unsafe or inconsistent config', () => {
    expect(() => renderDomainConfig({ ...web1, name: 'web1"; rm' })).toThrow(XenArgumentError);
    expect(() => renderDomainConfig({ ...web1, maxMemoryMiB: 1024 })).toThrow(/maxMemoryMiB/);
    expect(() => renderDomainConfig({ ...web1, disks: [{ target: "/dev/vg0/a',b", vdev: 'xvda', access: 'w' }] })).toThrow(XenArgumentError);
    expect(() => renderDomainConfig({ ...web1, disks: [web1.disks[0], web1.disks[0]] })).toThrow(/used twice/);
    expect(() => renderDomainConfig({ ...web1, boot: { kernel: '/boot/vmlinuz', cmdline: 'root=/dev/xvda "x"' } })).toThrow(XenArgumentError);
    // Xen would cut a PV command line past 1023 bytes without a word (the rescue system's keys travel in it).
    expect(() => renderDomainConfig({ ...web1, boot: { kernel: '/boot/vmlinuz', cmdline: 'x'.repeat(1024) } })).toThrow(/at most 1023 bytes/);
    expect(renderDomainConfig({ ...web1, boot: { kernel: '/boot/vmlinuz', cmdline: 'x'.repeat(1023) } })).toContain(`cmdline    = "${'x'.repeat(1023)}"`);
  });
});

describe('parseDomainConfig', () => {
  it('reads the reference config with its comments', () => {
    const text = `name       = "web1"
type       = "pvh"                  # pv | pvh | hvm
memory     = 2048                   # MiB
maxmem     = 4096                   # MiB, >= memory: room to grow live with mem-set
vcpus      = 2
maxvcpus   = 4                      # room to grow live with vcpu-set
cpu_weight = 256                    # 1..65535
cap        = 0                      # % of one pCPU, 0 = none
bootloader = "pygrub"               # or kernel=, ramdisk=, cmdline=
disk = [ 'phy:/dev/vg0/web1-root,xvda,w', 'phy:/dev/vg0/web1-root2,xvdb,w', 'phy:/dev/vg0/web1-swap,xvdc,w' ]
vif  = [ 'mac=00:16:3e:5a:01:02,bridge=xenbr0,rate=10Mb/s' ]
on_poweroff = "destroy"
on_reboot   = "restart"
on_crash    = "restart"
`;
    expect(parseDomainConfig(text)).toEqual(web1);
  });

  it('tolerates quote styles, spacing, CRLF, semicolons, multi-line lists and key=value disks', () => {
    const text = [
      "# carve test",
      "name='db.1_x-y' ; memory=\"1024\"",
      '  vcpus=1',
      'kernel = "/boot/vmlinuz"',
      "ramdisk='/boot/initrd.img'",
      'root = "/dev/xvda ro"',
      'extra = "console=hvc0"',
      'disk = [',
      "  'format=raw, vdev=xvda, access=rw, target=/dev/vg0/db-root',",
      '  "/dev/vg0/db-data,raw,xvdb,r",',
      ']',
      "vif=['bridge=xenbr1,mac=00:16:3E:00:00:01,rate=500Kb/s@20ms','mac=00:16:3e:00:00:02,rate=1MB/s']",
      '',
    ].join('\r\n');
    expect(parseDomainConfig(text)).toEqual({
      name: 'db.1_x-y',
      type: 'pv',
      memoryMiB: 1024,
      maxMemoryMiB: 1024,
      vcpus: 1,
      maxVcpus: 1,
      cpuWeight: 256,
      capPercent: 0,
      boot: { kernel: '/boot/vmlinuz', ramdisk: '/boot/initrd.img', cmdline: 'root=/dev/xvda ro console=hvc0' },
      disks: [
        { target: '/dev/vg0/db-root', vdev: 'xvda', access: 'w' },
        { target: '/dev/vg0/db-data', vdev: 'xvdb', access: 'r' },
      ],
      vifs: [
        { mac: '00:16:3e:00:00:01', bridge: 'xenbr1', rateMbitPerSec: 0.5 },
        { mac: '00:16:3e:00:00:02', bridge: 'xenbr0', rateMbitPerSec: 8 },
      ],
      onPoweroff: 'destroy',
      onReboot: 'restart',
      onCrash: 'destroy',
    });
  });

  it('names the line it cannot read', () => {
    let error = parseFailure('name = "web1"\nmemory = lots\nbootloader="pygrub"\ndisk=["phy:/dev/vg0/a,xvda,w"]\n');
    expect(error).toMatchObject({ parser: 'xl.cfg', lineNumber: 2, line: 'memory = lots' });
    error = parseFailure('name = "web1"\nmemory = 512\nbootloader="pygrub"\ndisk=["phy:/dev/vg0/a,sda,w"]\n');
    expect(error).toMatchObject({ lineNumber: 4 });
    expect(error.reason).toMatch(/vdev/);
    error = parseFailure('name = "web1\n');
    expect(error).toMatchObject({ lineNumber: 1, reason: 'unterminated string' });
    error = parseFailure('name = "web1"\ntype = "hvm"\n');
    expect(error).toMatchObject({ lineNumber: 2 });
    error = parseFailure('name = "web1"\nmemory = 512\nmaxmem = 256\nbootloader="pygrub"\ndisk=["phy:/dev/vg0/a,xvda,w"]\n');
    expect(error).toMatchObject({ lineNumber: 3, line: 'maxmem = 256' });
    error = parseFailure('= 3\n');
    expect(error).toMatchObject({ lineNumber: 1 });
    error = parseFailure('disk = [ "a" "b" ]\n');
    expect(error.reason).toMatch(/","/);
  });

  it('round-trips any valid spec through render and parse', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}$/);
    const spec = fc
      .record({
        name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
        type: fc.constantFrom('pv' as const, 'pvh' as const),
        memoryMiB: fc.integer({ min: 1, max: 1 << 20 }),
        extraMemory: fc.integer({ min: 0, max: 1 << 20 }),
        vcpus: fc.integer({ min: 1, max: 64 }),
        extraVcpus: fc.integer({ min: 0, max: 64 }),
        cpuWeight: fc.integer({ min: 1, max: 65535 }),
        capPercent: fc.integer({ min: 0, max: 800 }),
        boot: fc.oneof(
          fc.constant({ bootloader: 'pygrub' as const }),
          fc.record({ kernel: segment.map((s) => `/boot/${s}`), ramdisk: segment.map((s) => `/boot/${s}`) }, { requiredKeys: ['kernel'] }),
          fc.record({ kernel: segment.map((s) => `/boot/${s}`), cmdline: fc.stringMatching(/^[a-z0-9=/ .'-]{0,40}$/) }),
        ),
        disks: fc.uniqueArray(fc.record({ target: segment.map((s) => `/dev/vg0/${s}`), letter: fc.constantFrom(...letters), access: fc.constantFrom('w' as const, 'r' as const) }), { minLength: 1, maxLength: 6, selector: (d) => d.letter }),
        vifs: fc.array(
          fc.record({
            mac: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':')),
            bridge: fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,14}$/),
            rateMbitPerSec: fc.option(fc.oneof(fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 1, max: 999 }).map((k) => k / 1000)), { nil: undefined }),
          }),
          { maxLength: 3 },
        ),
        onPoweroff: fc.constantFrom(...DOMAIN_ACTIONS),
        onReboot: fc.constantFrom(...DOMAIN_ACTIONS),
        onCrash: fc.constantFrom(...DOMAIN_ACTIONS),
      })
      .map(({ extraMemory, extraVcpus, disks, vifs, ...rest }): DomainSpec => ({
        ...rest,
        maxMemoryMiB: rest.memoryMiB + extraMemory,
        maxVcpus: rest.vcpus + extraVcpus,
        disks: disks.map((d) => ({ target: d.target, vdev: `xvd${d.letter}` as Vdev, access: d.access })),
        vifs: vifs.map(({ rateMbitPerSec, ...v }) => (rateMbitPerSec === undefined ? v : { ...v, rateMbitPerSec })),
      }));
    fc.assert(fc.property(spec, (s) => expect(parseDomainConfig(renderDomainConfig(s))).toEqual(s)));
  });
});
