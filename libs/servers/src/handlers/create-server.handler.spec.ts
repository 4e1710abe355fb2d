// Medium test: the create job against a migrated PostgreSQL and a simulated Dom0 over real SSH.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { classifyError, JobType } from '@carve/jobs';
import { parseDomainConfig } from '@carve/xen';
import { CreateServerHandler } from './create-server.handler';
import { DeleteServerHandler } from './delete-server.handler';
import { macFor } from './domain-spec-for';
import { HandlerTestBed, SSH_KEY } from './server-job-handlers.test-bed';

const GiB = 1024 ** 3;
const MUTATING = /^(lvcreate|lvremove|lvextend|mkfs|mkswap|tar |xl (create|destroy|shutdown))|cat > /;

const WEB_DISKS = [
  { label: 'root', sizeGiB: 10, filesystem: 'ext4' as const, role: 'root' as const, inodes: 200000 },
  { label: 'data', sizeGiB: 5, filesystem: 'xfs' as const, role: 'data' as const },
  { label: 'swap', sizeGiB: 1, filesystem: 'swap' as const, role: 'swap' as const },
  { label: 'rescue', sizeGiB: 10, filesystem: 'ext3' as const, role: 'root' as const, bytesPerInode: 16384 },
];

describe('CreateServerHandler', () => {
  let bed: HandlerTestBed;
  let handler: CreateServerHandler;

  beforeAll(async () => {
    bed = await HandlerTestBed.start();
    handler = new CreateServerHandler(bed.support, bed.reservations, bed.db);
  });
  afterAll(() => bed.close());

  it('builds volumes, filesystems, the image on both roots, the config and the domain, and marks the server running', async () => {
    const ordered = await bed.order({ name: 'web1', memoryMiB: 2048, maxMemoryMiB: 4096, vcpus: 2, maxVcpus: 4, disks: WEB_DISKS });
    const name = ordered.domainName;
    const ctx = bed.context(JobType.CreateServer, ordered.id, {});
    await handler.run(ctx);

    const { server, disks } = await bed.server(ordered.id);
    expect(server).toMatchObject({ state: 'running', pendingReboot: false, failureReason: null });
    expect(disks.map((d) => [d.label, d.position, d.state])).toEqual([
      ['root', 0, 'present'],
      ['rescue', 1, 'present'],
      ['data', 2, 'present'],
      ['swap', 3, 'present'],
    ]);

    // Volumes and filesystems with their options.
    expect(bed.lvNames()).toEqual([`${name}-data`, `${name}-rescue`, `${name}-root`, `${name}-swap`]);
    expect(bed.lv(`${name}-root`)).toMatchObject({ sizeBytes: 10 * GiB, filesystem: { type: 'ext4', options: expect.arrayContaining(['-N', '200000']) } });
    expect(bed.lv(`${name}-rescue`)?.filesystem).toMatchObject({ type: 'ext3', options: expect.arrayContaining(['-i', '16384']) });
    expect(bed.lv(`${name}-data`)).toMatchObject({ sizeBytes: 5 * GiB, filesystem: { type: 'xfs' } });
    expect(bed.lv(`${name}-swap`)?.filesystem?.type).toBe('swap');

    // The image on both roots, each with the server's hostname, fstab and key.
    for (const root of [`${name}-root`, `${name}-rescue`]) {
      const fs = bed.lv(root)!.filesystem!;
      expect(fs.osImage).toBe('debian-12');
      expect(fs.files['/etc/hostname']).toBe('web1\n');
      expect(fs.files['/root/.ssh/authorized_keys']).toBe(`${SSH_KEY}\n`);
      expect(fs.files['/etc/fstab']).toContain('/dev/xvda\t/\text4\terrors=remount-ro\t0\t1');
      expect(fs.files['/etc/fstab']).toContain('/dev/xvdc\t/srv/data\txfs\tdefaults,nofail\t0\t0');
      expect(fs.files['/etc/fstab']).toContain('/dev/xvdd\tnone\tswap\tsw\t0\t0');
    }
    expect(bed.sim.state.mounts).toEqual([]);

    // The config as xl reads it, and the domain.
    const config = parseDomainConfig(bed.configText(name)!);
    expect(config).toMatchObject({
      name,
      type: 'pvh',
      memoryMiB: 2048,
      maxMemoryMiB: 4096,
      vcpus: 2,
      maxVcpus: 4,
      boot: { bootloader: 'pygrub' },
      disks: [
        { target: `/dev/vg0/${name}-root`, vdev: 'xvda', access: 'w' },
        { target: `/dev/vg0/${name}-rescue`, vdev: 'xvdb', access: 'w' },
        { target: `/dev/vg0/${name}-data`, vdev: 'xvdc', access: 'w' },
        { target: `/dev/vg0/${name}-swap`, vdev: 'xvdd', access: 'w' },
      ],
      vifs: [{ mac: macFor(ordered.id), bridge: 'xenbr0' }],
    });
    expect(bed.domain(name)).toMatchObject({ memoryMiB: 2048, vcpus: 2, maxVcpus: 4 });

    expect(ctx.steps.map((s) => s.name)).toEqual([
      'mark provisioning',
      ...['root', 'rescue', 'data', 'swap'].map((l) => `create volume ${name}-${l}`),
      ...['root', 'rescue', 'data', 'swap'].map((l) => `make filesystem on ${name}-${l}`),
      `install image on ${name}-root`,
      `install image on ${name}-rescue`,
      'write domain config',
      'create domain',
      'apply cpu limits',
      'mark running',
    ]);
    expect(ctx.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(ctx.note(`make filesystem on ${name}-root`)).toBe('made ext4 with 200000 inodes');
    expect(ctx.steps.find((s) => s.name === 'create domain')?.commands).toContain(`xl create /etc/xen/${name}.cfg`);
  });

  it('changes nothing when run again, after it finished or after a crash before it recorded its last steps', async () => {
    const ordered = await bed.order({ name: 'web2', disks: WEB_DISKS.slice(0, 3) });
    await handler.run(bed.context(JobType.CreateServer, ordered.id, {}));
    const snapshot = JSON.stringify({ lvs: bed.sim.state.vg.lvs, domains: bed.sim.state.domains, config: bed.configText(ordered.domainName) });
    const allocation = await bed.allocation();

    // Again on a finished build: one step says why, nothing reaches the Dom0.
    const again = bed.context(JobType.CreateServer, ordered.id, {});
    await handler.run(again);
    expect(again.steps.map((s) => [s.name, s.note])).toEqual([['check server state', 'server is already built (running); nothing done']]);
    expect(again.commands).toEqual([]);

    // A worker that died after `xl create` but before `mark running`: a fresh attempt re-checks every step.
    await bed.request(ordered.id, async (_m, server) => {
      server.state = 'provisioning';
    });
    const resumed = bed.context(JobType.CreateServer, ordered.id, {});
    await handler.run(resumed);
    expect(resumed.commands.length).toBeGreaterThan(5);
    expect(resumed.commands.filter((line) => MUTATING.test(line))).toEqual([]);
    expect(resumed.note(`create volume ${ordered.domainName}-root`)).toBe('already present with 10 GiB');
    expect(resumed.note(`install image on ${ordered.domainName}-root`)).toBe('domain already created; image was installed before it');
    expect(resumed.note('create domain')).toMatch(/^already running as domid \d+$/);
    expect(JSON.stringify({ lvs: bed.sim.state.vg.lvs, domains: bed.sim.state.domains, config: bed.configText(ordered.domainName) })).toBe(snapshot);
    expect((await bed.server(ordered.id)).server.state).toBe('running');
    expect(await bed.allocation()).toEqual(allocation);
  });

  it('does nothing for a server whose delete was requested before the build started', async () => {
    const ordered = await bed.order({ name: 'gone1', disks: WEB_DISKS.slice(0, 1) });
    await bed.request(ordered.id, async (_m, server) => {
      server.state = 'deleting';
    });
    const ctx = bed.context(JobType.CreateServer, ordered.id, {});
    await handler.run(ctx);
    expect(ctx.commands).toEqual([]);
    expect(ctx.note('check server state')).toMatch(/^server is deleting/);
    expect(bed.lv(`${ordered.domainName}-root`)).toBeUndefined();
  });

  it('undoes a build that fails for good: no volume, config or domain left, the reservation back, the server failed with the reason', async () => {
    const before = await bed.allocation();
    const lvsBefore = bed.lvNames();
    const ordered = await bed.order({ name: 'big1', memoryMiB: 4096, vcpus: 2, disks: WEB_DISKS });
    expect((await bed.allocation()).pool.memoryMiB).toBe(before.pool.memoryMiB + 4096);
    bed.sim.fail({ match: 'xl create', count: 1, stderr: 'libxl: error: libxl_create.c:720:initiate_domain_create: failed to free memory for the domain\n', exitCode: 1 });

    const ctx = bed.context(JobType.CreateServer, ordered.id, {});
    const failure = await handler.run(ctx).then(
      () => null,
      (error: unknown) => error,
    );
    const classified = classifyError(failure);
    expect(classified).toMatchObject({ transient: false, code: 'insufficient_host_memory' });
    // The build got as far as the domain: volumes and config are on the host.
    expect(bed.lv(`${ordered.domainName}-root`)).toBeDefined();
    expect(bed.configText(ordered.domainName)).toBeDefined();

    await handler.onFailed(ctx, { code: classified.code, message: classified.message });
    expect(bed.lvNames()).toEqual(lvsBefore);
    expect(bed.configText(ordered.domainName)).toBeUndefined();
    expect(bed.domain(ordered.domainName)).toBeUndefined();
    expect(await bed.allocation()).toEqual(before);
    const { server } = await bed.server(ordered.id);
    expect(server).toMatchObject({ state: 'failed', holdsReservation: false });
    expect(server.failureReason).toContain('not enough free memory');
    expect(ctx.note('release reservation and mark failed')).toBe('reservation released; server failed');

    // onFailed again (a second worker, a retried undo): nothing more happens, nothing is released twice.
    const second = bed.context(JobType.CreateServer, ordered.id, {});
    await handler.onFailed(second, { code: classified.code, message: classified.message });
    expect(second.commands.filter((line) => MUTATING.test(line))).toEqual([]);
    expect(await bed.allocation()).toEqual(before);
    expect(second.note('release reservation and mark failed')).toBe('reservation already released; server failed');
  });

  it('keeps the reservation when the host cannot be cleaned up, and the delete of the failed server finishes the cleanup', async () => {
    const before = await bed.allocation();
    const ordered = await bed.order({ name: 'stuck1', disks: WEB_DISKS.slice(0, 2) });
    bed.sim.fail({ match: 'xl create', count: 1, stderr: 'failed to free memory for the domain\n', exitCode: 1 });
    bed.sim.fail({ match: `lvremove -f vg0/${ordered.domainName}-data`, stderr: `  Logical volume vg0/${ordered.domainName}-data in use.\n`, exitCode: 5 });
    const ctx = bed.context(JobType.CreateServer, ordered.id, {});
    const error = classifyError(await handler.run(ctx).then(() => null, (e: unknown) => e));
    await handler.onFailed(ctx, error);
    const failed = (await bed.server(ordered.id)).server;
    expect(failed).toMatchObject({ state: 'failed', holdsReservation: true });
    expect(failed.failureReason).toMatch(/not enough free memory.*cleanup on the host did not finish: .*logical volume is open.*delete the server to retry it/);
    expect(ctx.note('release reservation and mark failed')).toBe('reservation kept: the host still has what was built; server failed');
    expect(bed.lv(`${ordered.domainName}-data`)).toBeDefined();
    expect((await bed.allocation()).pool.diskGiB).toBe(before.pool.diskGiB + 15);

    bed.sim.clearFaults();
    await bed.request(ordered.id, async (_m, server) => {
      server.state = 'deleting';
    });
    await new DeleteServerHandler(bed.support, bed.reservations, bed.clock).run(bed.context(JobType.DeleteServer, ordered.id, { previousState: 'failed' }));
    expect(bed.lv(`${ordered.domainName}-data`)).toBeUndefined();
    expect(await bed.allocation()).toEqual(before);
  });

  it('undoes a build on a host without the memory for the domain', async () => {
    const small = await HandlerTestBed.start({ totalMemoryMiB: 6144, dom0MemMiB: 4096 });
    try {
      const create = new CreateServerHandler(small.support, small.reservations, small.db);
      // The database thinks the host has room (its row was registered larger); the Dom0 knows better.
      await small.db.query(`UPDATE hosts SET total_memory_mib = 65536 WHERE id = $1`, [small.host.id]);
      const ordered = await small.order({ name: 'huge', memoryMiB: 8192, disks: WEB_DISKS.slice(0, 1) });
      const ctx = small.context(JobType.CreateServer, ordered.id, {});
      const error = await create.run(ctx).then(
        () => null,
        (e: unknown) => e,
      );
      expect(classifyError(error)).toMatchObject({ code: 'insufficient_host_memory', transient: false });
      await create.onFailed(ctx, classifyError(error));
      expect(small.lvNames()).toEqual([]);
      expect(small.sim.state.domains.filter((d) => d.name !== 'Domain-0')).toEqual([]);
      expect(small.configText(ordered.domainName)).toBeUndefined();
      expect((await small.allocation()).pool).toEqual({ memoryMiB: 0, vcpus: 0, diskGiB: 0, servers: 0 });
      expect((await small.allocation()).host).toEqual({ memoryMiB: 0, vcpus: 0, diskGiB: 0, servers: 0 });
      expect((await small.server(ordered.id)).server.state).toBe('failed');
    } finally {
      await small.close();
    }
  });
});
