import { formatBlockStat } from '../format/block-stat.format';
import { addStats, storageCountersAt, storageRates, vbdAsStat, zeroStat, zeroTimes } from './block-devices';
import { countersAt, floorCounters, vdevNumber } from './domain-counters';
import { diskContention } from './disk-contention';
import type { BlockStatCounters, SimHostState } from './host-state';
import { lvForDevice } from './vfs';

export const VBD_ROOT = '/sys/bus/xen-backend/devices';
export const NET_ROOT = '/sys/class/net';
export const BLOCK_ROOT = '/sys/class/block';

const FIXED_DIRS = new Set(['/sys', '/sys/bus', '/sys/class', '/sys/bus/xen-backend', VBD_ROOT, NET_ROOT, BLOCK_ROOT]);

/** Every virtual sysfs counter file and its content, computed at simulated time `now`. */
export function sysfsFiles(state: SimHostState, now: number): Map<string, string> {
  const files = new Map<string, string>();
  const contention = diskContention(state);
  // The dm device of each active LV counts the requests of the VBDs on it, plus those of VBDs that are gone.
  const dm = new Map(state.vg.lvs.map((lv) => [lv, { stat: lv.pastIo ?? zeroStat(), inFlight: 0 }]));
  for (const domain of state.domains) {
    const counters = countersAt(state, domain, now, contention);
    const flows = contention.vbds.get(domain) ?? {};
    for (const disk of domain.disks) {
      const c = floorCounters(counters.vbds[disk.vdev]);
      const dir = `${VBD_ROOT}/vbd-${domain.domid}-${vdevNumber(disk.vdev)}/statistics`;
      for (const key of ['ds_req', 'f_req', 'oo_req', 'rd_req', 'rd_sect', 'wr_req', 'wr_sect'] as const) files.set(`${dir}/${key}`, String(c[key]));
      const lv = lvForDevice(state, disk.target);
      const device = lv && dm.get(lv);
      if (device) {
        device.stat = addStats(device.stat, vbdAsStat(counters.vbds[disk.vdev], counters.vbdTimes?.[disk.vdev] ?? zeroTimes()));
        device.inFlight += flows[disk.vdev]?.inFlight ?? 0;
      }
    }
    for (const vif of domain.vifs) {
      const c = floorCounters(counters.vifs[String(vif.devid)]);
      const dir = `${NET_ROOT}/vif${domain.domid}.${vif.devid}/statistics`;
      const values: Record<string, number> = {
        rx_bytes: c.rx_bytes, rx_dropped: 0, rx_errors: 0, rx_packets: c.rx_packets,
        tx_bytes: c.tx_bytes, tx_dropped: 0, tx_errors: 0, tx_packets: c.tx_packets,
      };
      for (const [key, value] of Object.entries(values)) files.set(`${dir}/${key}`, String(value));
    }
  }
  const blockStats: [string, BlockStatCounters, number][] = [];
  const rates = storageRates(state, contention);
  for (const [name, stat] of storageCountersAt(state, now, rates)) blockStats.push([name, stat, rates.get(name)?.inFlight ?? 0]);
  for (const [lv, device] of dm) if (lv.kernelMinor !== undefined) blockStats.push([`dm-${lv.kernelMinor}`, device.stat, device.inFlight]);
  for (const [name, stat, inFlight] of blockStats) files.set(`${BLOCK_ROOT}/${name}/stat`, formatBlockStat(stat, inFlight));
  return files;
}

export function isSysfsPath(path: string): boolean {
  return path === '/sys' || path.startsWith('/sys/');
}

/** A sysfs directory exists when some counter file lives below it. */
export function sysfsDirExists(files: Map<string, string>, dir: string): boolean {
  if (FIXED_DIRS.has(dir)) return true;
  for (const path of files.keys()) if (path.startsWith(`${dir}/`)) return true;
  return false;
}

/** Every sysfs path, directories included: what a pathname glob under /sys can match. */
export function sysfsPaths(files: Map<string, string>): Set<string> {
  const paths = new Set(FIXED_DIRS);
  for (const path of files.keys()) {
    paths.add(path);
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) paths.add(path.slice(0, i));
  }
  return paths;
}
