// Medium test: the rescue jobs against PostgreSQL and the simulated Dom0 (real SSH), built by
// Nest as the worker builds them, resumed the way the worker resumes a job whose worker died
// between doing a step and recording it: nothing is done twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, loadConfig } from '@carve/config';
import { CoreModule } from '@carve/core';
import { dataSourceOptions } from '@carve/database';
import { JobType } from '@carve/jobs';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import type { Server } from '../server.entity';
import { CreateServerHandler } from './create-server.handler';
import { EnterRescueHandler } from './enter-rescue.handler';
import { ExitRescueHandler } from './exit-rescue.handler';
import { ServerJobHandlersModule } from './server-job-handlers.module';
import { HandlerTestBed } from './server-job-handlers.test-bed';

describe('rescue job handlers', () => {
  let bed: HandlerTestBed;
  let moduleRef: TestingModule;
  let prefix: string;
  let server: Server;
  let enter: EnterRescueHandler;
  let exit: ExitRescueHandler;

  const row = async () => (await bed.server(server.id)).server;
  const setState = (state: Server['state']) =>
    bed.request(server.id, async (_m, s) => {
      s.state = state;
    });
  const enterParams = { previousState: 'running' as const, timeoutSeconds: 30 };

  beforeAll(async () => {
    bed = await HandlerTestBed.start();
    prefix = uniqueName('carvetest');
    const config = loadConfig({ DATABASE_URL: bed.databaseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'fatal' });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), CoreModule, RedisModule, TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, ALL_ENTITIES, ALL_MIGRATIONS)), ServerJobHandlersModule],
    }).compile();
    enter = moduleRef.get(EnterRescueHandler);
    exit = moduleRef.get(ExitRescueHandler);
    server = await bed.order({
      name: 'fixme',
      disks: [
        { label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
        { label: 'data', sizeGiB: 5, filesystem: 'xfs', role: 'data' },
      ],
    });
    await moduleRef.get(CreateServerHandler).run(bed.context(JobType.CreateServer, server.id, {}));
    expect((await row()).state).toBe('running');
  });
  afterAll(async () => {
    await moduleRef?.close();
    await clearRedisPrefix(prefix);
    await bed?.close();
  });

  it('enter, resumed after the rescue domain was created but before that was recorded, keeps the running rescue system', async () => {
    await setState('entering_rescue');
    const first = bed.context(JobType.EnterRescue, server.id, enterParams);
    await enter.run(first);
    const domid = bed.domain(server.domainName)!.domid;
    // What the resumed attempt must not repeat, as the first attempt's commands show it.
    expect(first.commands.filter((c) => /xl (shutdown|destroy|create)/.test(c)).length).toBeGreaterThanOrEqual(2);
    expect(bed.domain(server.domainName)).toMatchObject({ kernel: '/var/lib/carve/rescue/vmlinuz', type: 'pv' });
    expect((await row()).state).toBe('rescue');

    // The worker died after `xl create` of the rescue config: only the config step was recorded.
    await setState('entering_rescue');
    const resumed = bed.context(JobType.EnterRescue, server.id, enterParams, first.steps.filter((s) => s.name === 'write rescue config'));
    await enter.run(resumed);
    expect(resumed.note('shut down domain')).toBe('the rescue system is already running');
    expect(resumed.note('create rescue domain')).toBe(`rescue system already running as domid ${domid}`);
    expect(resumed.commands.filter((c) => /xl (shutdown|destroy|create)/.test(c))).toEqual([]);
    expect(bed.domain(server.domainName)!.domid).toBe(domid);
    expect((await row()).state).toBe('rescue');
  });

  it('exit, resumed after the normal boot but before the shutdown step was recorded, does not stop the server again', async () => {
    await setState('leaving_rescue');
    const first = bed.context(JobType.ExitRescue, server.id, { timeoutSeconds: 30 });
    await exit.run(first);
    const booted = bed.domain(server.domainName)!;
    expect(first.commands.filter((c) => /xl (shutdown|destroy|create)/.test(c)).length).toBeGreaterThanOrEqual(2);
    expect(booted).toMatchObject({ bootloader: 'pygrub' });
    expect(booted.kernel).toBeUndefined();
    expect(bed.sim.state.files[`/etc/xen/${server.domainName}.rescue.cfg`]).toBeUndefined();
    expect((await row()).state).toBe('running');

    await setState('leaving_rescue');
    const resumed = bed.context(JobType.ExitRescue, server.id, { timeoutSeconds: 30 });
    await exit.run(resumed);
    expect(resumed.note('shut down rescue domain')).toBe('the normal system is already running');
    expect(resumed.commands.filter((c) => /xl (shutdown|destroy|create)/.test(c))).toEqual([]);
    expect(bed.domain(server.domainName)!.domid).toBe(booted.domid);
    expect((await row()).state).toBe('running');
  });

  it('a rescue job for a server no longer entering rescue does nothing on the host', async () => {
    const ctx = bed.context(JobType.EnterRescue, server.id, enterParams);
    await enter.run(ctx);
    expect(ctx.commands).toEqual([]);
    expect(ctx.note('check server state')).toBe('server is running; server.rescue applies to entering_rescue servers; nothing done');
  });
});
