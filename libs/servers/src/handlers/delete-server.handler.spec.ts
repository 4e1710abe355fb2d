// Medium test: delete against PostgreSQL and the simulated Dom0; the handlers built by Nest as the worker builds them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, loadConfig } from '@carve/config';
import { CoreModule } from '@carve/core';
import { dataSourceOptions } from '@carve/database';
import { JobHandlerRegistry, JOB_TYPES, JobType } from '@carve/jobs';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import { CreateServerHandler } from './create-server.handler';
import { DeleteServerHandler } from './delete-server.handler';
import { ServerJobHandlersModule } from './server-job-handlers.module';
import { HandlerTestBed } from './server-job-handlers.test-bed';

const ZERO = { memoryMiB: 0, vcpus: 0, diskGiB: 0, servers: 0 };

describe('DeleteServerHandler', () => {
  let bed: HandlerTestBed;
  let create: CreateServerHandler;
  let remove: DeleteServerHandler;

  beforeAll(async () => {
    bed = await HandlerTestBed.start();
    create = new CreateServerHandler(bed.support, bed.reservations, bed.db);
    remove = new DeleteServerHandler(bed.support, bed.reservations, bed.clock);
  });
  afterAll(() => bed.close());

  const requestDelete = (id: string) =>
    bed.request(id, async (_m, server) => {
      server.state = 'deleting';
    });

  it('destroys the domain, removes every volume and the config, releases the pool and host, and marks the server deleted', async () => {
    const ordered = await bed.order({
      name: 'db1',
      memoryMiB: 2048,
      vcpus: 2,
      disks: [
        { label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
        { label: 'rescue', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
        { label: 'pg', sizeGiB: 20, filesystem: 'xfs', role: 'data' },
        { label: 'swap', sizeGiB: 2, filesystem: 'swap', role: 'swap' },
      ],
    });
    await create.run(bed.context(JobType.CreateServer, ordered.id, {}));
    expect(bed.domain(ordered.domainName)).toBeDefined();
    expect(bed.lvNames()).toHaveLength(4);

    await requestDelete(ordered.id);
    const ctx = bed.context(JobType.DeleteServer, ordered.id, { previousState: 'running' });
    await remove.run(ctx);
    expect(bed.sim.state.domains.filter((d) => d.name !== 'Domain-0')).toEqual([]);
    expect(bed.lvNames()).toEqual([]);
    expect(bed.configText(ordered.domainName)).toBeUndefined();
    expect(await bed.allocation()).toEqual({ pool: ZERO, host: ZERO });
    const { server } = await bed.server(ordered.id);
    expect(server).toMatchObject({ state: 'deleted', holdsReservation: false });
    expect(server.deletedAt).toBeInstanceOf(Date);
    expect(ctx.note('release and mark deleted')).toBe('reservation released; server deleted');

    // Run again (a retry after the last step): a no-op that touches nothing.
    const again = bed.context(JobType.DeleteServer, ordered.id, { previousState: 'running' });
    await remove.run(again);
    expect(again.commands).toEqual([]);
    expect(await bed.allocation()).toEqual({ pool: ZERO, host: ZERO });
  });

  it('resumes a delete that died half way and finishes it without releasing twice', async () => {
    const ordered = await bed.order({ name: 'db2', disks: [{ label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root' }, { label: 'data', sizeGiB: 5, filesystem: 'ext4', role: 'data' }] });
    await create.run(bed.context(JobType.CreateServer, ordered.id, {}));
    await requestDelete(ordered.id);
    // The first attempt got as far as destroying the domain and removing one volume.
    const { dom0 } = bed.context(JobType.DeleteServer, ordered.id, { previousState: 'running' });
    await dom0.destroyDomain(ordered.domainName);
    await dom0.removeVolume(`${ordered.domainName}-root`);

    const ctx = bed.context(JobType.DeleteServer, ordered.id, { previousState: 'running' });
    await remove.run(ctx);
    expect(ctx.note('destroy domain')).toBe('no domain running');
    expect(ctx.note(`remove volume ${ordered.domainName}-root`)).toBe('no such volume; nothing to remove');
    expect(ctx.note(`remove volume ${ordered.domainName}-data`)).toBe('removed');
    expect(bed.lvNames()).toEqual([]);
    expect(await bed.allocation()).toEqual({ pool: ZERO, host: ZERO });
  });

  it('deletes a server ordered but never built (a delete queued behind its create)', async () => {
    const ordered = await bed.order({ name: 'db3', disks: [{ label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root' }] });
    await requestDelete(ordered.id);
    await create.run(bed.context(JobType.CreateServer, ordered.id, {}));
    await remove.run(bed.context(JobType.DeleteServer, ordered.id, { previousState: 'pending' }));
    expect(bed.lvNames()).toEqual([]);
    expect(await bed.allocation()).toEqual({ pool: ZERO, host: ZERO });
    expect((await bed.server(ordered.id)).server.state).toBe('deleted');
  });

  it('ServerJobHandlersModule registers one handler per server job type with the jobs registry', async () => {
    const prefix = uniqueName('carvetest');
    const config = loadConfig({ DATABASE_URL: bed.databaseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'fatal' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        CoreModule,
        RedisModule,
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, ALL_ENTITIES, ALL_MIGRATIONS)),
        ServerJobHandlersModule,
      ],
    }).compile();
    try {
      const registry = moduleRef.get(JobHandlerRegistry);
      // Moves register their own handlers from their own module (libs/moves).
      expect(registry.types().sort()).toEqual(JOB_TYPES.filter((t) => !t.startsWith('server.move')).sort());
      expect(registry.get(JobType.CreateServer)).toBeInstanceOf(CreateServerHandler);
      expect(moduleRef.get(DeleteServerHandler)).toBe(registry.get(JobType.DeleteServer));
      expect(() => registry.register('another', [moduleRef.get(DeleteServerHandler), { type: JobType.DeleteServer, run: async () => undefined }])).toThrow(/already has a handler \(from servers\)/);
    } finally {
      await moduleRef.close();
      await clearRedisPrefix(prefix);
    }
  });
});
