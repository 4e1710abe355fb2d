import { countersAt, floorCounters, vdevNumber } from './domain-counters';
import type { SimHostState } from './host-state';

export const VBD_ROOT = '/sys/bus/xen-backend/devices';
export const NET_ROOT = '/sys/class/net';

/** Every virtual sysfs counter file and its content, computed at simulated time `now`. */
export function sysfsFiles(state: SimHostState, now: number): Map<string, string> {
  const files = new Map<string, string>();
  for (const domain of state.domains) {
    const counters = countersAt(state, domain, now);
    for (const disk of domain.disks) {
      const c = floorCounters(counters.vbds[disk.vdev]);
      const dir = `${VBD_ROOT}/vbd-${domain.domid}-${vdevNumber(disk.vdev)}/statistics`;
      for (const key of ['ds_req', 'f_req', 'oo_req', 'rd_req', 'rd_sect', 'wr_req', 'wr_sect'] as const) files.set(`${dir}/${key}`, String(c[key]));
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
  return files;
}

export function isSysfsPath(path: string): boolean {
  return path === '/sys' || path.startsWith('/sys/');
}

/** A sysfs directory exists when some counter file lives below it. */
export function sysfsDirExists(files: Map<string, string>, dir: string): boolean {
  if (dir === '/sys' || dir === '/sys/bus' || dir === '/sys/class' || dir === VBD_ROOT || dir === NET_ROOT || dir === '/sys/bus/xen-backend') return true;
  for (const path of files.keys()) if (path.startsWith(`${dir}/`)) return true;
  return false;
}
