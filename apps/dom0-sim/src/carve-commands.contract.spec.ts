import {
  deviceCountersQuery, lvCreateCommand, lvExtendCommand, lvListQuery, lvRemoveCommand, makeFilesystemCommand, growFilesystemCommand, vgSpaceQuery,
  writeDomainConfigCommand, xentopQuery, xlBlockAttachCommand, xlBlockDetachCommand, xlCreateCommand, xlDestroyCommand, xlInfoValueQuery,
  xlListQuery, xlMemSetCommand, xlRebootCommand, xlSchedCredit2ListQuery, xlSchedCredit2SetCommand, xlShutdownCommand, xlUptimeQuery,
  xlVcpuListQuery, xlVcpuSetCommand, type Dom0Command, type Dom0Query,
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
});
