import {
  lvCreateCommand, vifRateMbitOf, writeDomainConfigCommand, xenstoreRemoveVifRateCommand, xenstoreWriteVifRateCommand, xlCreateCommand, xlListLongQuery, type Dom0Command,
} from '@carve/xen';
import { countersAt } from '../state/domain-counters';
import { startSimFixture, type SimFixture } from '../testing/sim-client';

// carve's xenstore builders against the simulator over SSH: the running vif's rate changes as netback would apply it.
describe('xenstore-write of a running vif rate', () => {
  let f: SimFixture;
  beforeAll(async () => {
    f = await startSimFixture({ timeFactor: 100 });
    await run(lvCreateCommand({ vg: 'vg0', lv: 'web1-root', sizeGiB: 1 }));
    await run(
      writeDomainConfigCommand({
        name: 'web1', type: 'pvh', memoryMiB: 1024, maxMemoryMiB: 1024, vcpus: 1, maxVcpus: 1, cpuWeight: 256, capPercent: 0,
        boot: { bootloader: 'pygrub' }, disks: [{ target: '/dev/vg0/web1-root', vdev: 'xvda', access: 'w' }],
        vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0', rateMbitPerSec: 100 }, { mac: '00:16:3e:5a:01:03', bridge: 'xenbr1' }],
        onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'restart',
      }),
    );
    await run(xlCreateCommand('web1'));
  });
  afterAll(() => f.close());

  async function run(command: Dom0Command) {
    const r = await f.client.exec(command.line, command.stdin);
    if (r.exitCode !== 0) throw new Error(`${command.line} exited ${r.exitCode}: ${r.stderr}`);
    return r;
  }
  const rates = async () => {
    const [web1] = xlListLongQuery().parse((await f.client.exec(xlListLongQuery().command.line)).stdout);
    return web1!.nics.map(vifRateMbitOf);
  };

  it('changes the rate xl list -l shows, per vif, and removing the node lifts it', async () => {
    expect(await rates()).toEqual([100, null]);
    await run(xenstoreWriteVifRateCommand(1, 0, 20));
    expect(await rates()).toEqual([20, null]);
    expect((await f.client.exec('xenstore-read /local/domain/0/backend/vif/1/0/rate')).stdout).toBe('125000,50000\n');
    await run(xenstoreWriteVifRateCommand(1, 1, 1000));
    expect(await rates()).toEqual([20, 1000]);
    await run(xenstoreRemoveVifRateCommand(1, 0));
    expect(await rates()).toEqual([null, 1000]);
    // Removing it again is a no-op, as is rm -f of a missing node.
    await run(xenstoreRemoveVifRateCommand(1, 0));
    expect((await f.client.exec('xenstore-read /local/domain/0/backend/vif/1/0/rate')).exitCode).toBe(1);
  });

  it('caps what the guest sends from the write on (what it sent before stays counted at the old rate)', async () => {
    expect(f.host.setWorkload('web1', 'network-heavy')).toBe(true);
    await run(xenstoreWriteVifRateCommand(1, 1, 8));
    const web1 = f.host.state.domains.find((d) => d.name === 'web1')!;
    expect(web1.vifs.find((v) => v.devid === 1)!.rateMbitPerSec).toBe(8);
    // The write checkpointed the counters; from there on vif 1 sends 8 Mbit/s (10^6 bytes a second), vif 0 as much as the profile asks.
    const at = web1.counters.baseAt;
    const sent = (devid: number, seconds: number) => countersAt(f.host.state, web1, at + seconds).vifs[String(devid)]!.rx_bytes - web1.counters.vifs[String(devid)]!.rx_bytes;
    expect(sent(1, 10)).toBeCloseTo(10 * 1e6, 0);
    expect(sent(0, 10)).toBeGreaterThan(50 * 1e6);
  });

  it('refuses nodes it does not simulate, vifs that do not exist and bad usage', async () => {
    for (const [line, stderr] of [
      ['xenstore-write /local/domain/1/name evil', /simulates only/],
      ['xenstore-write /local/domain/0/backend/vif/9/0/rate 125000,50000', /could not write path/],
      ['xenstore-write /local/domain/0/backend/vif/1/7/rate 125000,50000', /could not write path/],
      ['xenstore-write /local/domain/0/backend/vif/1/0/rate', /Usage/],
      ['xenstore-rm /local/domain/0/backend/vif/9/0/rate', /could not remove path/],
    ] as const) {
      const r = await f.client.exec(line);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(stderr);
    }
    expect(await rates()).toEqual([null, 8]);
  });

  it('treats a value netback cannot parse as no limit', async () => {
    expect((await f.client.exec('xenstore-write /local/domain/0/backend/vif/1/1/rate fast')).exitCode).toBe(0);
    expect(await rates()).toEqual([null, null]);
  });
});
