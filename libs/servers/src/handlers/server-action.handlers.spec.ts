// Medium test: each action job's effect on a simulated Dom0 (real SSH) and on the
// database (real PostgreSQL, real migrations), after the change its API request makes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobType } from '@carve/jobs';
import { parseDomainConfig } from '@carve/xen';
import { volumeNameFor } from '../server-naming';
import type { Server } from '../server.entity';
import { AddDiskHandler } from './add-disk.handler';
import { CreateServerHandler } from './create-server.handler';
import { GrowDiskHandler } from './grow-disk.handler';
import { RebootServerHandler } from './reboot-server.handler';
import { RemoveDiskHandler } from './remove-disk.handler';
import { ResizeMemoryHandler } from './resize-memory.handler';
import { ResizeVcpusHandler } from './resize-vcpus.handler';
import { StartServerHandler } from './start-server.handler';
import { StopServerHandler } from './stop-server.handler';
import { SwitchRootHandler } from './switch-root.handler';
import { HandlerTestBed } from './server-job-handlers.test-bed';

const GiB = 1024 ** 3;

describe('server action job handlers', () => {
  let bed: HandlerTestBed;
  let server: Server;
  let name: string;

  const diskId = async (label: string): Promise<string> => (await bed.server(server.id)).disks.find((d) => d.label === label)!.id;
  const config = () => parseDomainConfig(bed.configText(name)!);
  const row = async () => (await bed.server(server.id)).server;

  beforeAll(async () => {
    bed = await HandlerTestBed.start();
    server = await bed.order({
      name: 'app1',
      memoryMiB: 2048,
      maxMemoryMiB: 4096,
      vcpus: 2,
      maxVcpus: 4,
      disks: [
        { label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
        { label: 'rescue', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
        { label: 'data', sizeGiB: 5, filesystem: 'xfs', role: 'data' },
      ],
    });
    name = server.domainName;
    await new CreateServerHandler(bed.support, bed.reservations, bed.db).run(bed.context(JobType.CreateServer, server.id, {}));
    expect((await row()).state).toBe('running');
  });
  afterAll(() => bed.close());

  it('stop shuts the domain down; start boots it again', async () => {
    const stop = bed.context(JobType.StopServer, server.id, { timeoutSeconds: 30 });
    await new StopServerHandler(bed.support).run(stop);
    expect(bed.domain(name)).toBeUndefined();
    expect((await row()).state).toBe('stopped');
    expect(stop.note('shut down domain')).toBe('guest shut down');

    const start = bed.context(JobType.StartServer, server.id, {});
    await new StartServerHandler(bed.support).run(start);
    expect(bed.domain(name)).toMatchObject({ memoryMiB: 2048, vcpus: 2 });
    expect(await row()).toMatchObject({ state: 'running', pendingReboot: false });
  });

  it('stop and start of a server in another state change nothing', async () => {
    await bed.request(server.id, async (_m, s) => {
      s.state = 'failed';
    });
    const stop = bed.context(JobType.StopServer, server.id, { timeoutSeconds: 30 });
    await new StopServerHandler(bed.support).run(stop);
    expect(stop.commands).toEqual([]);
    expect(stop.note('check server state')).toBe('server is failed; server.stop applies to running, stopped servers; nothing done');
    expect(bed.domain(name)).toBeDefined();
    await bed.request(server.id, async (_m, s) => {
      s.state = 'running';
    });
  });

  it('resizes memory live within maxmem, and above it at the next reboot', async () => {
    const handler = new ResizeMemoryHandler(bed.support, bed.undo);
    await bed.request(server.id, async (m, s) => {
      await bed.reservations.adjust(m, s, { memoryMiB: 1024, vcpus: 0, diskGiB: 0 });
      s.memoryMiB = 3072;
    });
    const live = bed.context(JobType.ResizeMemory, server.id, { memoryMiB: 3072, previousMemoryMiB: 2048, previousMaxMemoryMiB: 4096, previousPendingReboot: false, live: true });
    await handler.run(live);
    expect(bed.domain(name)).toMatchObject({ memoryMiB: 3072 });
    expect(config()).toMatchObject({ memoryMiB: 3072, maxMemoryMiB: 4096 });
    expect(live.note('set memory 3072 MiB live')).toBe('running domain now has memory 3072 MiB');

    await bed.request(server.id, async (m, s) => {
      await bed.reservations.adjust(m, s, { memoryMiB: 3072, vcpus: 0, diskGiB: 0 });
      s.memoryMiB = 6144;
      s.maxMemoryMiB = 6144;
      s.pendingReboot = true;
    });
    const later = bed.context(JobType.ResizeMemory, server.id, { memoryMiB: 6144, previousMemoryMiB: 3072, previousMaxMemoryMiB: 4096, previousPendingReboot: false, live: false });
    await handler.run(later);
    expect(config()).toMatchObject({ memoryMiB: 6144, maxMemoryMiB: 6144 });
    expect(bed.domain(name)).toMatchObject({ memoryMiB: 3072, maxMemMiB: 4096 });
    expect(later.note('apply at next boot')).toBe('memory 6144 MiB applies at the next reboot (pending reboot)');

    // Live within the new maxmem, but the running domain still has the old one: it waits for the reboot too.
    await bed.request(server.id, async (m, s) => {
      await bed.reservations.adjust(m, s, { memoryMiB: -1024, vcpus: 0, diskGiB: 0 });
      s.memoryMiB = 5120;
    });
    const aboveRunningMax = bed.context(JobType.ResizeMemory, server.id, { memoryMiB: 5120, previousMemoryMiB: 6144, previousMaxMemoryMiB: 6144, previousPendingReboot: true, live: true });
    await handler.run(aboveRunningMax);
    expect(aboveRunningMax.note('set memory 5120 MiB live')).toBe("the running domain's maximum is lower; memory 5120 MiB applies at the next reboot (pending reboot)");
    expect(bed.domain(name)).toMatchObject({ memoryMiB: 3072, maxMemMiB: 4096 });
    expect(await row()).toMatchObject({ pendingReboot: true });

    // The reboot re-creates the domain from the new config.
    const reboot = bed.context(JobType.RebootServer, server.id, {});
    await new RebootServerHandler(bed.support).run(reboot);
    expect(reboot.steps.map((s) => s.name)).toEqual(['write domain config', 'shut down domain', 'create domain', 'apply cpu limits', 'mark running']);
    expect(bed.domain(name)).toMatchObject({ memoryMiB: 5120, maxMemMiB: 6144 });
    expect(await row()).toMatchObject({ state: 'running', pendingReboot: false });
  });

  it('resizes vCPUs live within maxvcpus', async () => {
    await bed.request(server.id, async (m, s) => {
      await bed.reservations.adjust(m, s, { memoryMiB: 0, vcpus: 1, diskGiB: 0 });
      s.vcpus = 3;
    });
    const ctx = bed.context(JobType.ResizeVcpus, server.id, { vcpus: 3, previousVcpus: 2, previousMaxVcpus: 4, previousPendingReboot: false, live: true });
    await new ResizeVcpusHandler(bed.support, bed.undo).run(ctx);
    expect(bed.domain(name)).toMatchObject({ vcpus: 3, maxVcpus: 4 });
    expect(config()).toMatchObject({ vcpus: 3, maxVcpus: 4 });
  });

  it('reboots with xl reboot when nothing is pending, once even when retried after the reboot', async () => {
    const handler = new RebootServerHandler(bed.support);
    const before = bed.domain(name)!.domid;
    const ctx = bed.context(JobType.RebootServer, server.id, {});
    await handler.run(ctx);
    expect(ctx.steps.find((s) => s.name === 'reboot domain')?.commands).toContain(`xl reboot ${name}`);
    const after = bed.domain(name)!.domid;
    expect(after).not.toBe(before);

    // The worker died after `xl reboot` but before recording it: the retry finds a new domid and does not reboot again.
    const retry = bed.context(JobType.RebootServer, server.id, {}, ctx.steps.filter((s) => s.name === 'note domain id'));
    await handler.run(retry);
    expect(retry.commands).not.toContain(`xl reboot ${name}`);
    expect(retry.note('reboot domain')).toBe(`already rebooted: domid is now ${after}`);
    expect(bed.domain(name)!.domid).toBe(after);
  });

  it('grows a disk of a running server and says the guest must grow the filesystem', async () => {
    const data = await diskId('data');
    await bed.request(server.id, async (m, s, disks) => {
      await bed.reservations.adjust(m, s, { memoryMiB: 0, vcpus: 0, diskGiB: 3 });
      const disk = disks.find((d) => d.id === data)!;
      disk.sizeGiB = 8;
      await bed.servers.saveDisk(disk, m);
    });
    const ctx = bed.context(JobType.GrowDisk, server.id, { diskId: data, sizeGiB: 8, previousSizeGiB: 5 });
    await new GrowDiskHandler(bed.support, bed.undo).run(ctx);
    expect(bed.lv(`${name}-data`)?.sizeBytes).toBe(8 * GiB);
    expect(bed.lv(`${name}-data`)?.filesystem?.sizeBytes).toBe(5 * GiB);
    expect(ctx.note(`grow volume ${name}-data`)).toBe(
      'guest-must-grow: volume grown to 8 GiB; the running guest sees the new size and must grow its xfs itself: run `xfs_growfs /srv/data` inside the server',
    );
  });

  it('adds a disk: volume, filesystem, config, hot attach; and removes it again, giving its GiB back', async () => {
    const before = await bed.allocation();
    let added = '';
    await bed.request(server.id, async (m, s, disks) => {
      await bed.reservations.adjust(m, s, { memoryMiB: 0, vcpus: 0, diskGiB: 4 });
      const [disk] = await bed.servers.insertDisks(
        [
          {
            serverId: s.id,
            customerId: s.customerId,
            label: 'logs',
            role: 'data',
            filesystem: 'ext4',
            sizeGiB: 4,
            inodes: null,
            bytesPerInode: 8192,
            volumeName: volumeNameFor(s.domainName, 'logs'),
            position: Math.max(...disks.map((d) => d.position)) + 1,
            state: 'pending',
          },
        ],
        m,
      );
      added = disk!.id;
    });
    const add = bed.context(JobType.AddDisk, server.id, { diskId: added });
    await new AddDiskHandler(bed.support, bed.undo).run(add);
    expect(bed.lv(`${name}-logs`)).toMatchObject({ sizeBytes: 4 * GiB, filesystem: { type: 'ext4', options: expect.arrayContaining(['-i', '8192']) } });
    expect(config().disks.map((d) => d.vdev)).toEqual(['xvda', 'xvdb', 'xvdc', 'xvdd']);
    expect(bed.domain(name)?.disks).toContainEqual(expect.objectContaining({ target: `/dev/vg0/${name}-logs`, vdev: 'xvdd' }));
    expect((await bed.server(server.id)).disks.find((d) => d.id === added)?.state).toBe('present');
    expect(add.note('attach disk xvdd')).toBe('attached as /dev/xvdd; inside the server: mkdir -p /srv/logs && mount /dev/xvdd /srv/logs (and add it to /etc/fstab)');
    expect((await bed.allocation()).pool.diskGiB).toBe(before.pool.diskGiB + 4);

    await bed.request(server.id, async (m, _s, disks) => {
      const disk = disks.find((d) => d.id === added)!;
      disk.state = 'removing';
      await bed.servers.saveDisk(disk, m);
    });
    const remove = bed.context(JobType.RemoveDisk, server.id, { diskId: added });
    await new RemoveDiskHandler(bed.support, bed.reservations, bed.undo).run(remove);
    expect(bed.lv(`${name}-logs`)).toBeUndefined();
    expect(bed.domain(name)?.disks.map((d) => d.vdev)).toEqual(['xvda', 'xvdb', 'xvdc']);
    expect(config().disks.map((d) => d.vdev)).toEqual(['xvda', 'xvdb', 'xvdc']);
    expect((await bed.server(server.id)).disks.map((d) => d.label)).toEqual(['root', 'rescue', 'data']);
    expect(await bed.allocation()).toEqual(before);

    // The same job again (a retry after the last step): the reservation is not given back twice.
    const again = bed.context(JobType.RemoveDisk, server.id, { diskId: added });
    await new RemoveDiskHandler(bed.support, bed.reservations, bed.undo).run(again);
    expect(again.note('check server state')).toBe(`disk ${added} is already removed; nothing removed`);
    expect(await bed.allocation()).toEqual(before);
  });

  it('switches the root: the standby becomes xvda in the config, at the next boot', async () => {
    const rescue = await diskId('rescue');
    const ctx = bed.context(JobType.SwitchRoot, server.id, { rootDiskId: rescue });
    await new SwitchRootHandler(bed.support).run(ctx);
    expect(config().disks.slice(0, 2)).toEqual([
      { target: `/dev/vg0/${name}-rescue`, vdev: 'xvda', access: 'w' },
      { target: `/dev/vg0/${name}-root`, vdev: 'xvdb', access: 'w' },
    ]);
    expect(await row()).toMatchObject({ activeRootDiskId: rescue, pendingReboot: true });
    expect(bed.domain(name)?.disks[0]).toMatchObject({ target: `/dev/vg0/${name}-root`, vdev: 'xvda' });

    const again = bed.context(JobType.SwitchRoot, server.id, { rootDiskId: rescue });
    await new SwitchRootHandler(bed.support).run(again);
    expect(again.note('swap root disks')).toBe('rescue is already the active root');
    expect(again.note('write domain config')).toBe('config already up to date');

    await new RebootServerHandler(bed.support).run(bed.context(JobType.RebootServer, server.id, {}));
    expect(bed.domain(name)?.disks[0]).toMatchObject({ target: `/dev/vg0/${name}-rescue`, vdev: 'xvda' });
    expect(await row()).toMatchObject({ state: 'running', pendingReboot: false });
  });

  it('grows a disk of a stopped server offline, filesystem included', async () => {
    await new StopServerHandler(bed.support).run(bed.context(JobType.StopServer, server.id, { timeoutSeconds: 30 }));
    const root = await diskId('root');
    await bed.request(server.id, async (m, s, disks) => {
      await bed.reservations.adjust(m, s, { memoryMiB: 0, vcpus: 0, diskGiB: 2 });
      const disk = disks.find((d) => d.id === root)!;
      disk.sizeGiB = 12;
      await bed.servers.saveDisk(disk, m);
    });
    const ctx = bed.context(JobType.GrowDisk, server.id, { diskId: root, sizeGiB: 12, previousSizeGiB: 10 });
    await new GrowDiskHandler(bed.support, bed.undo).run(ctx);
    expect(bed.lv(`${name}-root`)).toMatchObject({ sizeBytes: 12 * GiB, filesystem: { sizeBytes: 12 * GiB } });
    expect(ctx.note(`grow volume ${name}-root`)).toBe('volume grown to 12 GiB; ext4 grown to fill it');
    expect(bed.sim.state.mounts).toEqual([]);
  });
});
