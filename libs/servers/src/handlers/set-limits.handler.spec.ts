// Medium test: the limits job on a simulated Dom0 (real SSH) and the database (real
// PostgreSQL, real migrations), after the change its API request makes to the row.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobParams, JobType } from '@carve/jobs';
import { parseDomainConfig } from '@carve/xen';
import type { Server } from '../server.entity';
import { CreateServerHandler } from './create-server.handler';
import { RebootServerHandler } from './reboot-server.handler';
import { HandlerTestBed } from './server-job-handlers.test-bed';
import { SetLimitsHandler } from './set-limits.handler';
import { StartServerHandler } from './start-server.handler';
import { StopServerHandler } from './stop-server.handler';

describe('SetLimitsHandler', () => {
  let bed: HandlerTestBed;
  let server: Server;
  let name: string;

  const row = async () => (await bed.server(server.id)).server;
  const config = () => parseDomainConfig(bed.configText(name)!);
  const previous = { cpuCapPercent: 0, cpuWeight: 256, networkRateMbit: null };

  async function setLimits(limits: Partial<Pick<Server, 'cpuCapPercent' | 'cpuWeight' | 'networkRateMbit'>>, changed: JobParams[JobType.SetServerLimits]['changed']) {
    await bed.request(server.id, async (_m, s) => {
      Object.assign(s, limits);
    });
    const ctx = bed.context(JobType.SetServerLimits, server.id, { changed, previous });
    await new SetLimitsHandler(bed.support).run(ctx);
    return ctx;
  }

  beforeAll(async () => {
    bed = await HandlerTestBed.start();
    server = await bed.order({ name: 'capped', memoryMiB: 1024, maxMemoryMiB: 1024, vcpus: 2, maxVcpus: 2, disks: [{ label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'root' }] });
    name = server.domainName;
    await new CreateServerHandler(bed.support, bed.reservations, bed.db).run(bed.context(JobType.CreateServer, server.id, {}));
  });
  afterAll(() => bed.close());

  it('sets cap and weight on the running domain and in its config, once', async () => {
    const ctx = await setLimits({ cpuCapPercent: 150, cpuWeight: 512 }, ['cpuCapPercent', 'cpuWeight']);
    expect(ctx.steps.map((s) => s.name)).toEqual(['write domain config', 'apply cpu limits']);
    expect(ctx.commands).toContain(`xl sched-credit2 -d ${name} -w 512 -c 150`);
    expect(bed.domain(name)).toMatchObject({ cpuWeight: 512, capPercent: 150 });
    expect(config()).toMatchObject({ cpuWeight: 512, capPercent: 150 });

    // The same job again (a retry after a crash): the host already has it all.
    const again = bed.context(JobType.SetServerLimits, server.id, { changed: ['cpuCapPercent', 'cpuWeight'], previous });
    await new SetLimitsHandler(bed.support).run(again);
    expect(again.commands.filter((c) => !c.startsWith('cat /etc/xen') && !c.startsWith('xl list') && c !== 'xl sched-credit2')).toEqual([]);
    expect(again.note('apply cpu limits')).toBe('domain already has weight 512, cap 150%');
  });

  it('sets the vif rate live on the running domain and in its config, once, and a reboot keeps it with the cap', async () => {
    const ctx = await setLimits({ networkRateMbit: 100 }, ['networkRateMbit']);
    const domid = bed.domain(name)!.domid;
    expect(ctx.commands).toContain(`xenstore-write /local/domain/0/backend/vif/${domid}/0/rate 625000,50000`);
    expect(ctx.note('network rate')).toMatch(/^rate=100Mb\/s applied live to vif \d+\.0 \(xenstore backend rate/);
    expect(config().vifs[0]).toMatchObject({ rateMbitPerSec: 100 });
    expect(bed.domain(name)?.vifs[0]?.rateMbitPerSec).toBe(100);
    expect(await row()).toMatchObject({ pendingReboot: false, networkRateMbit: 100 });

    // A retry after a crash finds the rate on the running vif and writes nothing.
    const again = bed.context(JobType.SetServerLimits, server.id, { changed: ['networkRateMbit'], previous });
    await new SetLimitsHandler(bed.support).run(again);
    expect(again.commands.some((c) => c.startsWith('xenstore-'))).toBe(false);
    expect(again.note('network rate')).toBe('the running domain already has rate=100Mb/s');

    await new RebootServerHandler(bed.support).run(bed.context(JobType.RebootServer, server.id, {}));
    expect(bed.domain(name)).toMatchObject({ cpuWeight: 512, capPercent: 150, vifs: [expect.objectContaining({ rateMbitPerSec: 100 })] });
    expect(await row()).toMatchObject({ pendingReboot: false });
  });

  it('on a stopped server only writes the config; the start applies everything', async () => {
    await new StopServerHandler(bed.support).run(bed.context(JobType.StopServer, server.id, { timeoutSeconds: 10 }));
    const ctx = await setLimits({ cpuCapPercent: 0, cpuWeight: 256, networkRateMbit: null }, ['cpuCapPercent', 'cpuWeight', 'networkRateMbit']);
    expect(ctx.commands.some((c) => c.startsWith('xl sched-credit2 -d'))).toBe(false);
    expect(ctx.note('apply cpu limits')).toMatch(/^domain not running; cap and weight apply at the next start/);
    expect(ctx.note('network rate')).toMatch(/^domain not running; no rate limit applies at the next start/);
    expect(config()).toMatchObject({ cpuWeight: 256, capPercent: 0 });
    expect(config().vifs[0]).not.toHaveProperty('rateMbitPerSec');

    await bed.request(server.id, async (_m, s) => {
      Object.assign(s, { cpuCapPercent: 50, cpuWeight: 2048 });
    });
    const start = bed.context(JobType.StartServer, server.id, {});
    await new StartServerHandler(bed.support).run(start);
    expect(start.steps.map((s) => s.name)).toEqual(['write domain config', 'create domain', 'apply cpu limits', 'mark running']);
    expect(bed.domain(name)).toMatchObject({ cpuWeight: 2048, capPercent: 50 });
  });

  it('does nothing to a server that is not running or stopped', async () => {
    await bed.request(server.id, async (_m, s) => {
      s.state = 'failed';
    });
    const ctx = bed.context(JobType.SetServerLimits, server.id, { changed: ['cpuWeight'], previous });
    await new SetLimitsHandler(bed.support).run(ctx);
    expect(ctx.commands).toEqual([]);
    expect(ctx.note('check server state')).toMatch(/^server is failed; server.set-limits applies to running, stopped servers/);
  });
});
