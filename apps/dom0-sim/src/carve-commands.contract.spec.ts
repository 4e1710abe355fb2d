import {
  deviceCountersQuery, lvCreateCommand, lvExtendCommand, lvListQuery, lvRemoveCommand, makeFilesystemCommand, growFilesystemCommand, vgSpaceQuery,
  writeDomainConfigCommand, xentopQuery, xlBlockAttachCommand, xlBlockDetachCommand, xlCreateCommand, xlDestroyCommand, xlInfoValueQuery,
  xlListQuery, xlMemSetCommand, xlRebootCommand, xlSchedCredit2ListQuery, xlSchedCredit2SetCommand, xlShutdownCommand, xlUptimeQuery,
  xlVcpuListQuery, xlVcpuSetCommand, type Dom0Command, type Dom0Query,
  checkFilesystemCommand, extractArchiveCommand, filesystemTypeCommand, makeDirectoryCommand, mountCommand, mountpointCommand, pathExistsCommand,
  readFileCommand, removeFileCommand, umountCommand, writeFileCommand, parseXentop,
} from '@carve/xen';
import { startSimFixture, type SimFixture } from './testing/sim-client';

// The exact command lines carve's libs/xen builds, run against the simulator and read with carve's parsers.
describe('carve command builders against the simulator', () => {
  let f: SimFixture;
  beforeAll(async () => {
    f = await startSimFixture({ timeFactor: 100 });
  });
  afterAll(() => f.close());

  const run = async (command: Dom0Command) => {
    const r = await f.client.exec(command.line, command.stdin);
    if (r.exitCode !== 0) throw new Error(`${command.line} exited ${r.exitCode}: ${r.stderr}`);
    return r;
  };
  const query = async <T>(q: Dom0Query<T>): Promise<T> => q.parse((await run(q.command)).stdout);

  it('provisions, reshapes, measures and removes a domain', async () => {
    await run(lvCreateCommand({ vg: 'vg0', lv: 'web1-root', sizeGiB: 10, wipeSignatures: true }));
    await run(lvCreateCommand({ vg: 'vg0', lv: 'web1-data', sizeGiB: 5 }));
    await run(makeFilesystemCommand({ device: '/dev/vg0/web1-root', type: 'ext4', inodes: { count: 200000 } }));
    await run(makeFilesystemCommand({ device: '/dev/vg0/web1-data', type: 'xfs' }));
    await run(lvExtendCommand({ vg: 'vg0', lv: 'web1-root', growByGiB: 2 }));
    await run(growFilesystemCommand({ type: 'ext4', device: '/dev/vg0/web1-root' }));
    expect(await query(lvListQuery('vg0'))).toEqual(expect.arrayContaining([{ name: 'web1-root', sizeBytes: 12 * 1024 ** 3 }]));
    expect((await query(vgSpaceQuery('vg0'))).freeBytes).toBe((1800 - 17) * 1024 ** 3);

    await run(
      writeDomainConfigCommand({
        name: 'web1', type: 'pvh', memoryMiB: 2048, maxMemoryMiB: 4096, vcpus: 2, maxVcpus: 4, cpuWeight: 256, capPercent: 0,
        boot: { bootloader: 'pygrub' }, disks: [{ target: '/dev/vg0/web1-root', vdev: 'xvda', access: 'w' }],
        vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0', rateMbitPerSec: 100 }],
        onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'restart',
      }),
    );
    await run(xlCreateCommand('web1'));
    await run(xlMemSetCommand('web1', 3072));
    await run(xlVcpuSetCommand('web1', 3));
    await run(xlSchedCredit2SetCommand('web1', { weight: 512, capPercent: 150 }));
    await run(xlBlockAttachCommand('web1', { target: '/dev/vg0/web1-data', vdev: 'xvdb', access: 'w' }));
    const web1 = (await query(xlListQuery())).find((e) => e.name === 'web1');
    expect(web1).toMatchObject({ domid: 1, memoryMiB: 3072, vcpus: 3 });
    expect((await query(xlSchedCredit2ListQuery())).find((e) => e.name === 'web1')).toMatchObject({ weight: 512, cap: 150 });
    expect((await query(xlVcpuListQuery())).filter((v) => v.name === 'web1')).toHaveLength(4);
    expect(Number(await query(xlInfoValueQuery('free_memory')))).toBe(65536 - 4096 - 3074);

    await new Promise((r) => setTimeout(r, 100));
    const counters = await query(deviceCountersQuery([{ domid: 1, vdev: 'xvda' }, { domid: 1, vdev: 'xvdb' }], [{ domid: 1, devid: 0 }]));
    expect(counters.vbds).toHaveLength(2);
    expect(counters.vifs).toHaveLength(1);
    const top = await query(xentopQuery({ iterations: 2, delaySeconds: 1 }));
    expect(top.domains.map((d) => d.name)).toEqual(['Domain-0', 'web1']);
    expect((await query(xlUptimeQuery())).map((u) => u.name)).toEqual(['Domain-0', 'web1']);

    await run(xlBlockDetachCommand('web1', 'xvdb'));
    await run(xlRebootCommand('web1'));
    await run(xlShutdownCommand('web1'));
    expect((await query(xlListQuery())).map((e) => e.name)).toEqual(['Domain-0']);
    await run(xlCreateCommand('web1'));
    await run(xlDestroyCommand('web1'));
    await run(lvRemoveCommand({ vg: 'vg0', lv: 'web1-root' }));
    expect((await query(lvListQuery('vg0'))).map((l) => l.name)).toEqual(['web1-data']);
  });

  // What issue 4's provisioning sends, in order, as carve's builders write it.
  it('installs an image onto a mounted root, grows offline, and answers the existence checks', async () => {
    const status = async (command: Dom0Command) => (await f.client.exec(command.line, command.stdin)).exitCode;
    for (const [lv, size] of [['db1-root', 10], ['db1-root2', 10], ['db1-data', 5], ['db1-swap', 1]] as const) {
      await run(lvCreateCommand({ vg: 'vg0', lv, sizeGiB: size, wipeSignatures: true }));
    }
    expect(await status(filesystemTypeCommand('/dev/vg0/db1-root'))).toBe(2);
    await run(makeFilesystemCommand({ device: '/dev/vg0/db1-root', type: 'ext4', inodes: { bytesPerInode: 8192 } }));
    await run(makeFilesystemCommand({ device: '/dev/vg0/db1-root2', type: 'ext3', inodes: { count: 50000 } }));
    await run(makeFilesystemCommand({ device: '/dev/vg0/db1-data', type: 'btrfs' }));
    await run(makeFilesystemCommand({ device: '/dev/vg0/db1-swap', type: 'swap' }));
    expect((await run(filesystemTypeCommand('/dev/vg0/db1-data'))).stdout).toBe('btrfs\n');
    expect((await run(filesystemTypeCommand('/dev/vg0/db1-swap'))).stdout).toBe('swap\n');

    const dir = '/mnt/carve/db1-root';
    await run(makeDirectoryCommand(dir));
    expect(await status(mountpointCommand(dir))).toBe(32);
    await run(mountCommand('/dev/vg0/db1-root', dir));
    expect(await status(mountpointCommand(dir))).toBe(0);
    await run(extractArchiveCommand('/var/lib/carve/images/ubuntu-24.04.tar.gz', dir));
    await run(makeDirectoryCommand(`${dir}/root/.ssh`));
    await run(writeFileCommand(`${dir}/etc/hostname`, 'db1\n'));
    await run(writeFileCommand(`${dir}/etc/fstab`, '/dev/xvda / ext4 defaults 0 1\n'));
    await run(writeFileCommand(`${dir}/root/.ssh/authorized_keys`, 'ssh-ed25519 AAAA key\n'));
    expect(await status(pathExistsCommand(`${dir}/root/.ssh/authorized_keys`))).toBe(0);
    expect((await run(readFileCommand(`${dir}/etc/os-release`))).stdout).toContain('ID=ubuntu');
    await run(umountCommand(dir));
    expect(await status(pathExistsCommand(`${dir}/etc/hostname`))).toBe(1);
    expect(f.host.state.vg.lvs.find((lv) => lv.name === 'db1-root')?.filesystem?.files['/etc/hostname']).toBe('db1\n');

    // Stopped domain: grow the LV, then the filesystem offline (e2fsck -f first, as after any mount).
    await run(lvExtendCommand({ vg: 'vg0', lv: 'db1-root', sizeGiB: 15 }));
    expect((await f.client.exec(growFilesystemCommand({ type: 'ext4', device: '/dev/vg0/db1-root' }).line)).exitCode).toBe(1);
    await run(checkFilesystemCommand('/dev/vg0/db1-root'));
    await run(growFilesystemCommand({ type: 'ext4', device: '/dev/vg0/db1-root' }));
    await run(lvExtendCommand({ vg: 'vg0', lv: 'db1-data', sizeGiB: 6 }));
    await run(makeDirectoryCommand('/mnt/carve/db1-data'));
    await run(mountCommand('/dev/vg0/db1-data', '/mnt/carve/db1-data'));
    await run(growFilesystemCommand({ type: 'btrfs', mountPoint: '/mnt/carve/db1-data' }));
    await run(umountCommand('/mnt/carve/db1-data'));
    expect(f.host.state.vg.lvs.find((lv) => lv.name === 'db1-data')?.filesystem?.sizeBytes).toBe(6 * 1024 ** 3);

    await run(writeDomainConfigCommand({
      name: 'db1', type: 'pv', memoryMiB: 1024, maxMemoryMiB: 1024, vcpus: 1, maxVcpus: 1, cpuWeight: 256, capPercent: 0,
      // A kernel file the simulated host has (xl create fails on a missing one, as xc_dom does).
      boot: { kernel: '/var/lib/carve/rescue/vmlinuz', cmdline: 'root=/dev/xvda ro' },
      disks: [{ target: '/dev/vg0/db1-root', vdev: 'xvda', access: 'w' }, { target: '/dev/vg0/db1-swap', vdev: 'xvdc', access: 'w' }],
      vifs: [{ mac: '00:16:3e:00:00:07', bridge: 'xenbr0' }], onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'restart',
    }));
    await run(xlCreateCommand('db1'));
    await run(xlDestroyCommand('db1'));
    expect(await status(pathExistsCommand('/etc/xen/db1.cfg'))).toBe(0);
    await run(removeFileCommand('/etc/xen/db1.cfg'));
    await run(removeFileCommand('/etc/xen/db1.cfg'));
    expect(await status(pathExistsCommand('/etc/xen/db1.cfg'))).toBe(1);
    for (const lv of ['db1-root', 'db1-root2', 'db1-data', 'db1-swap']) await run(lvRemoveCommand({ vg: 'vg0', lv }));
  });

  // xentop prints names with %10.10s: the FIRST ten characters, right-aligned; -f prints them whole.
  it('cuts xentop names to their first 10 characters, and -f keeps them whole', async () => {
    const name = 'customer-42.shop';
    await run(lvCreateCommand({ vg: 'vg0', lv: `${name}-root`, sizeGiB: 1 }));
    await run(writeFileCommand(`/etc/xen/${name}.cfg`, `name = "${name}"\ntype = "pvh"\nmemory = 512\nbootloader = "pygrub"\ndisk = [ 'phy:/dev/vg0/${name}-root,xvda,w' ]\n`));
    await run(xlCreateCommand(name));
    const cut = parseXentop((await f.client.exec('xentop -b -i 1')).stdout);
    const full = await query(xentopQuery({ fullNames: true, iterations: 1 }));
    expect(cut.domains.map((d) => d.name)).toContain(name.slice(0, 10));
    expect(cut.domains.map((d) => d.name)).not.toContain(name.slice(-10));
    expect(full.domains.map((d) => d.name)).toContain(name);
    await run(xlDestroyCommand(name));
    await run(lvRemoveCommand({ vg: 'vg0', lv: `${name}-root` }));
  });
});
