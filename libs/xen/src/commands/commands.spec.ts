import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDomainConfig } from '../domain-config/parse-domain-config';
import { DomainSpec } from '../domain-config/domain-spec';
import { XenArgumentError } from '../errors/xen-argument.error';
import { deviceCountersQuery } from './device-counters.query';
import { growFilesystemCommand, makeFilesystemCommand } from './filesystem.commands';
import { lvCreateCommand, lvExtendCommand, lvListQuery, lvRemoveCommand, vgSpaceQuery } from './lvm.commands';
import { writeDomainConfigCommand, writeFileCommand } from './write-file.commands';
import {
  xlBlockAttachCommand,
  xlBlockDetachCommand,
  xlCreateCommand,
  xlDestroyCommand,
  xlMemSetCommand,
  xlRebootCommand,
  xlSchedCredit2SetCommand,
  xlShutdownCommand,
  xlVcpuSetCommand,
} from './xl-domain.commands';
import {
  xentopQuery,
  xlInfoQuery,
  xlInfoValueQuery,
  xlListLongQuery,
  xlListQuery,
  xlSchedCredit2ListQuery,
  xlUptimeQuery,
  xlUptimeShortQuery,
  xlVcpuListQuery,
} from './xl-read.queries';

const spec: DomainSpec = {
  name: 'web1',
  type: 'pvh',
  memoryMiB: 2048,
  maxMemoryMiB: 4096,
  vcpus: 2,
  maxVcpus: 4,
  cpuWeight: 256,
  capPercent: 0,
  boot: { bootloader: 'pygrub' },
  disks: [{ target: '/dev/vg0/web1-root', vdev: 'xvda', access: 'w' }],
  vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0' }],
  onPoweroff: 'destroy',
  onReboot: 'restart',
  onCrash: 'restart',
};

describe('LVM and filesystem commands', () => {
  it('build the exact lines', () => {
    expect(vgSpaceQuery('vg0').command.line).toBe('vgs --noheadings --units b --nosuffix -o vg_size,vg_free vg0');
    expect(lvListQuery('vg0').command.line).toBe('lvs --noheadings --units b --nosuffix -o lv_name,lv_size vg0');
    expect(vgSpaceQuery('vg0').parse('  100 40\n')).toEqual({ sizeBytes: 100, freeBytes: 40 });
    expect(lvCreateCommand({ vg: 'vg0', lv: 'web1-root', sizeGiB: 10 }).line).toBe('lvcreate -n web1-root -L 10G vg0');
    expect(lvCreateCommand({ vg: 'vg0', lv: 'web1-root', sizeGiB: 10, wipeSignatures: true }).line).toBe('lvcreate -W y -y -n web1-root -L 10G vg0');
    expect(lvExtendCommand({ vg: 'vg0', lv: 'web1-root', growByGiB: 5 }).line).toBe('lvextend -L +5G vg0/web1-root');
    expect(lvExtendCommand({ vg: 'vg0', lv: 'web1-root', sizeGiB: 20 }).line).toBe('lvextend -L 20G vg0/web1-root');
    expect(lvRemoveCommand({ vg: 'vg0', lv: 'web1-root' }).line).toBe('lvremove -f vg0/web1-root');
    expect(makeFilesystemCommand({ device: '/dev/vg0/a', type: 'ext4', inodes: { count: 100000 } }).line).toBe('mkfs.ext4 -F -q -N 100000 /dev/vg0/a');
    expect(makeFilesystemCommand({ device: '/dev/vg0/a', type: 'ext3', inodes: { bytesPerInode: 16384 } }).line).toBe('mkfs.ext3 -F -q -i 16384 /dev/vg0/a');
    expect(makeFilesystemCommand({ device: '/dev/vg0/a', type: 'ext4' }).line).toBe('mkfs.ext4 -F -q /dev/vg0/a');
    expect(makeFilesystemCommand({ device: '/dev/vg0/a', type: 'xfs' }).line).toBe('mkfs.xfs -f /dev/vg0/a');
    expect(makeFilesystemCommand({ device: '/dev/vg0/a', type: 'btrfs' }).line).toBe('mkfs.btrfs -f /dev/vg0/a');
    expect(makeFilesystemCommand({ device: '/dev/vg0/a', type: 'swap' }).line).toBe('mkswap /dev/vg0/a');
    expect(growFilesystemCommand({ type: 'ext4', device: '/dev/vg0/a' }).line).toBe('resize2fs /dev/vg0/a');
    expect(growFilesystemCommand({ type: 'xfs', mountPoint: '/srv/data' }).line).toBe('xfs_growfs /srv/data');
    expect(growFilesystemCommand({ type: 'btrfs', mountPoint: '/srv/my data' }).line).toBe("btrfs filesystem resize max '/srv/my data'");
  });

  it('refuse bad arguments with a typed error naming the field', () => {
    const field = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        if (error instanceof XenArgumentError) return error.field;
      }
      return 'no error';
    };
    expect(field(() => lvCreateCommand({ vg: 'vg0', lv: '-rf', sizeGiB: 1 }))).toBe('lv');
    expect(field(() => lvCreateCommand({ vg: 'vg 0', lv: 'a', sizeGiB: 1 }))).toBe('vg');
    expect(field(() => lvCreateCommand({ vg: 'vg0', lv: 'a', sizeGiB: 0 }))).toBe('sizeGiB');
    expect(field(() => lvExtendCommand({ vg: 'vg0', lv: 'a', growByGiB: 1.5 }))).toBe('growByGiB');
    for (const type of ['xfs', 'btrfs', 'swap'] as const) {
      expect(field(() => makeFilesystemCommand({ device: '/dev/vg0/a', type, inodes: { count: 10 } }))).toBe('inodes');
    }
    expect(field(() => makeFilesystemCommand({ device: '/dev/vg0/../a', type: 'ext4' }))).toBe('device');
    expect(field(() => growFilesystemCommand({ type: 'swap', device: '/dev/vg0/a' } as never))).toBe('type');
  });
});

describe('xl commands', () => {
  it('build the exact lines', () => {
    expect(xlCreateCommand('web1').line).toBe('xl create /etc/xen/web1.cfg');
    expect(xlShutdownCommand('web1').line).toBe('xl shutdown -w web1');
    expect(xlDestroyCommand(7).line).toBe('xl destroy 7');
    expect(xlRebootCommand('db.1').line).toBe('xl reboot db.1');
    expect(xlMemSetCommand('web1', 3072).line).toBe('xl mem-set web1 3072m');
    expect(xlVcpuSetCommand('web1', 3).line).toBe('xl vcpu-set web1 3');
    expect(xlSchedCredit2SetCommand('web1', { weight: 512, capPercent: 50 }).line).toBe('xl sched-credit2 -d web1 -w 512 -c 50');
    expect(xlSchedCredit2SetCommand('web1', { capPercent: 0 }).line).toBe('xl sched-credit2 -d web1 -c 0');
    expect(xlBlockAttachCommand('web1', { target: '/dev/vg0/web1-data', vdev: 'xvdb', access: 'w' }).line).toBe('xl block-attach web1 phy:/dev/vg0/web1-data,xvdb,w');
    expect(xlBlockDetachCommand('web1', 'xvdb').line).toBe('xl block-detach web1 xvdb');
    expect(xlListQuery().command.line).toBe('xl list');
    expect(xlListLongQuery().command.line).toBe('xl list -l');
    expect(xlUptimeQuery().command.line).toBe('xl uptime');
    expect(xlUptimeShortQuery().command.line).toBe('xl uptime -s');
    expect(xlInfoQuery().command.line).toBe('xl info');
    expect(xlInfoValueQuery('free_memory').command.line).toBe('xl info free_memory');
    expect(xlVcpuListQuery().command.line).toBe('xl vcpu-list');
    expect(xlSchedCredit2ListQuery().command.line).toBe('xl sched-credit2');
    expect(xentopQuery().command.line).toBe('xentop -b -i 2 -d 1');
    expect(xentopQuery({ fullNames: true, iterations: 3, delaySeconds: 2 }).command.line).toBe('xentop -b -f -i 3 -d 2');
    expect(deviceCountersQuery([{ domid: 3, vdev: 'xvda' }, { domid: 3, vdev: 'xvdc' }], [{ domid: 3, devid: 0 }]).command.line).toBe(
      'grep -r . /sys/bus/xen-backend/devices/vbd-3-51712/statistics /sys/bus/xen-backend/devices/vbd-3-51744/statistics /sys/class/net/vif3.0/statistics',
    );
  });

  it('refuse bad arguments', () => {
    expect(() => xlShutdownCommand('web1; reboot')).toThrow(XenArgumentError);
    expect(() => xlDestroyCommand(-1)).toThrow(XenArgumentError);
    expect(() => xlMemSetCommand('web1', 0)).toThrow(XenArgumentError);
    expect(() => xlSchedCredit2SetCommand('web1', { weight: 70000 })).toThrow(XenArgumentError);
    expect(() => xlSchedCredit2SetCommand('web1', {})).toThrow(XenArgumentError);
    expect(() => xlBlockAttachCommand('web1', { target: '/dev/vg0/a,xvdz', vdev: 'xvdb', access: 'w' })).toThrow(XenArgumentError);
    expect(() => xlBlockDetachCommand('web1', 'sda' as never)).toThrow(XenArgumentError);
    expect(() => xlInfoValueQuery('x; id')).toThrow(XenArgumentError);
    expect(() => deviceCountersQuery([], [])).toThrow(XenArgumentError);
  });
});

describe('file writes', () => {
  it('write the domain config with cat > path and the rendered text on stdin', () => {
    const command = writeDomainConfigCommand(spec);
    expect(command.line).toBe('cat > /etc/xen/web1.cfg');
    expect(parseDomainConfig(command.stdin ?? '')).toEqual(spec);
  });

  it('write exactly the content through a real sh, even to a path that needs quoting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'carve-write-'));
    try {
      const path = join(dir, "it's $HOME `id`.cfg");
      const content = "line 1\n$(reboot) 'quoted' \\ end\n";
      const command = writeFileCommand(path, content);
      execFileSync('sh', ['-c', command.line], { input: command.stdin });
      expect(readFileSync(path, 'utf8')).toBe(content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
