// Medium test: one metering reading through Dom0Client over real SSH against the
// Dom0 simulator: the one-line command (a `;` list with echo, date, globs) is
// run by the simulated host and its whole output is read by the strict parser.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MeteringReading } from '../parsers/metering-reading.parser';
import { ClientTestHost, domainSpec, startClientTestHost } from './dom0-client.test-host';
import { Dom0Client } from './dom0-client';

describe('Dom0Client.readMetering against the simulator', () => {
  let host: ClientTestHost;
  let client: Dom0Client;
  let domid: number;
  const startedAt = Date.now();

  beforeAll(async () => {
    host = await startClientTestHost();
    client = host.client();
    for (const [lv, size] of [['web1-root', 10], ['web1-root2', 10], ['web1-swap', 1], ['spare', 1]] as const) await client.createVolume(lv, size);
    await client.writeDomainConfig(domainSpec('web1'));
    ({ domid } = await client.createDomain('web1'));
  });
  afterAll(() => host.close());

  it('reads the clock, every domain, the volume group and its disks in one round trip', async () => {
    const reading = await client.readMetering();
    expect(Number.isSafeInteger(reading.hostTimeMs)).toBe(true);
    expect(reading.hostTimeMs).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(reading.hostTimeExact).toMatch(/^\d+\.\d{9}$/);
    expect(reading.volumeGroup).toBe('vg0');
    expect(reading.dom0).toMatchObject({ name: 'Domain-0' });

    expect(reading.domains).toEqual([
      expect.objectContaining({ name: 'web1', domid, memoryMiB: 2048, vcpus: 2, vifs: [expect.objectContaining({ domid, devid: 0, emulated: false })] }),
    ]);
    const web1 = reading.domains[0];
    expect(web1.cpuMs % 100).toBe(0);
    expect(web1.vbd).not.toBeNull();
    expect(web1.netOutBytes).toBe(web1.vifs[0].rxBytes);
    expect(web1.netInBytes).toBe(web1.vifs[0].txBytes);

    expect(reading.volumes.map((v) => v.name).sort()).toEqual(['spare', 'web1-root', 'web1-root2', 'web1-swap']);
    const devices = reading.volumes.flatMap((v) => (v.active ? [v.device] : []));
    expect(new Set(devices).size).toBe(devices.length);
    for (const v of reading.volumes) if (v.active) expect(v.device).toBe(`dm-${v.kernelMinor}`);

    expect(reading.pvs.length).toBeGreaterThan(0);
    expect(reading.disks.length).toBeGreaterThan(0);
    // Every PV lands on exactly one listed disk, and no disk is also a partition of another.
    for (const pv of reading.pvs) expect(reading.disks.filter((d) => d.device === pv.disk)).toHaveLength(1);
    for (const disk of reading.disks) expect(reading.pvs.some((pv) => pv.device === disk.device && pv.parent !== null)).toBe(false);
  });

  it('moves forward between two readings: the clock and every counter only grow', async () => {
    const first = await client.readMetering();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await client.readMetering();
    expect(second.hostTimeMs).toBeGreaterThan(first.hostTimeMs);
    const web1 = (r: MeteringReading) => r.domains.find((d) => d.name === 'web1');
    const [a, b] = [web1(first), web1(second)];
    expect(b?.cpuMs).toBeGreaterThanOrEqual(a?.cpuMs ?? Infinity);
    expect(b?.netOutBytes).toBeGreaterThanOrEqual(a?.netOutBytes ?? Infinity);
    expect(b?.vbd?.writeSectors).toBeGreaterThanOrEqual(a?.vbd?.writeSectors ?? Infinity);
    for (const disk of second.disks) {
      const before = first.disks.find((d) => d.device === disk.device);
      expect(disk.stat.ioTicksMs).toBeGreaterThanOrEqual(before?.stat.ioTicksMs ?? Infinity);
    }
  });

  it('shows what the collector meters: a guest\'s VBD totals equal its LVs\' block stats, and an io-heavy guest keeps the disk busy', async () => {
    await host.simControl('carve-sim workload web1 io-heavy');
    const first = await client.readMetering();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await client.readMetering();
    for (const reading of [first, second]) {
      const lvs = reading.volumes.flatMap((v) => (v.active && v.name.startsWith('web1-') ? [v.stat] : []));
      expect(lvs).toHaveLength(3);
      expect(reading.domains[0].vbd).toMatchObject({
        readRequests: lvs.reduce((sum, lv) => sum + lv.readIos, 0),
        writeSectors: lvs.reduce((sum, lv) => sum + lv.writeSectors, 0),
      });
    }
    // Tick counters are 32-bit milliseconds in the kernel: deltas modulo 2^32.
    const busy = (device: string): number => {
      const [a, b] = [first, second].map((r) => r.disks.find((d) => d.device === device)?.stat.ioTicksMs ?? NaN);
      return ((b - a + 2 ** 32) % 2 ** 32) / (second.hostTimeMs - first.hostTimeMs);
    };
    for (const disk of second.disks) expect(busy(disk.device)).toBeGreaterThan(0.9);
    await host.simControl('carve-sim workload web1 idle');
  });

  it('reads a volume group given by name, and refuses a bad name before anything runs', async () => {
    expect((await client.readMetering('vg0')).volumeGroup).toBe('vg0');
    await expect(client.readMetering('vg0; reboot')).rejects.toMatchObject({ name: 'XenArgumentError' });
  });
});
