// Medium test: CPU and network limits through Dom0Client over real SSH against the
// simulator. Each set runs twice: the second finds the domain as asked and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientTestHost, domainSpec, startClientTestHost } from './dom0-client.test-host';
import { Dom0Client } from './dom0-client';
import { Dom0OperationError } from './dom0-operation.error';

describe('Dom0Client limits against the simulator', () => {
  let host: ClientTestHost;
  let client: Dom0Client;

  beforeAll(async () => {
    host = await startClientTestHost();
    client = host.client();
    for (const lv of ['web1-root', 'web1-root2', 'web1-swap']) await client.createVolume(lv, 1);
    await client.writeDomainConfig(domainSpec('web1', { cpuWeight: 512, capPercent: 50, vifs: [{ mac: '00:16:3e:00:00:01', bridge: 'xenbr0', rateMbitPerSec: 100 }] }));
    await client.createDomain('web1');
  });
  afterAll(() => host.close());

  it('boots with the cap, weight and vif rate of its config', async () => {
    expect((await client.listSchedCredit2()).find((e) => e.name === 'web1')).toMatchObject({ pool: 'Pool-0', weight: 512, cap: 50 });
    expect(await client.vifRatesMbit('web1')).toEqual([100]);
    expect(await client.vifRatesMbit('absent')).toBeNull();
  });

  it('sets weight and cap live, once', async () => {
    const first = await client.setSchedCredit2('web1', { weight: 1024, capPercent: 150 });
    const second = await client.setSchedCredit2('web1', { weight: 1024, capPercent: 150 });
    expect([first, second]).toEqual([{ changed: true }, { changed: false }]);
    expect(host.sim.state.domains.find((d) => d.name === 'web1')).toMatchObject({ cpuWeight: 1024, capPercent: 150 });
    expect(await client.setSchedCredit2('web1', { capPercent: 150 })).toEqual({ changed: false });
  });

  it('maps the refusals to typed codes', async () => {
    await expect(client.setSchedCredit2('gone', { weight: 256 })).rejects.toMatchObject({ code: 'domain_not_found' });
    const refused = await client.setSchedCredit2('web1', { capPercent: 100 * 512 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Dom0OperationError);
    expect(refused).toMatchObject({ code: 'sched_param_out_of_range', transient: false });
  });
});
