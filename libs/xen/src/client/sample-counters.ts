import { deviceCountersQuery, VbdRef, VifRef } from '../commands/device-counters.query';
import { xentopQuery, xlListLongQuery } from '../commands/xl-read.queries';
import { DeviceCounters } from '../parsers/device-counters.parser';
import { XentopSample } from '../parsers/xentop.parser';
import { XlDomainDetail } from '../parsers/xl-list-long.parser';
import { validateVdev } from '../shell/argument-validators';
import { Dom0Runner } from './dom0-runner';

export interface CounterSample {
  /** `xentop -b -f -i 2 -d 1`: full names (cut names could collide), CPU(%) measured over the last second. */
  readonly xentop: XentopSample;
  /** Cumulative VBD and vif counters from sysfs, per domid; they restart from zero when a domain gets a new domid. */
  readonly devices: DeviceCounters;
  /** The DomUs whose devices were read (Dom0 has none). */
  readonly domains: readonly XlDomainDetail[];
}

export async function sampleCounters(runner: Dom0Runner): Promise<CounterSample> {
  const [xentop, domains] = await Promise.all([runner.query(xentopQuery({ fullNames: true })), runner.query(xlListLongQuery())]);
  const vbds: VbdRef[] = domains.flatMap((d) =>
    d.disks.flatMap((disk) => {
      try {
        return [{ domid: d.domid, vdev: validateVdev(disk.vdev) }];
      } catch {
        // A cdrom or an hdX disk has no xvd statistics directory carve reads.
        return [];
      }
    }),
  );
  const vifs: VifRef[] = domains.flatMap((d) => d.nics.map((nic, index) => ({ domid: d.domid, devid: nic.devid ?? index })));
  if (vbds.length + vifs.length === 0) return { xentop, domains, devices: { vbds: [], vifs: [] } };
  const query = deviceCountersQuery(vbds, vifs);
  // grep exits 2 when a domain vanished between the two reads; the other devices' lines still parse.
  const result = await runner.run(query.command, { okExitCodes: [0, 2] });
  return { xentop, domains, devices: query.parse(result.stdout) };
}
