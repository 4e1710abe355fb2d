import { Vdev, vdevFromNumber } from '../shell/argument-validators';
import { endOf, failer, OutputLine, outputLines, toSafeInteger } from './output-lines';

/** Cumulative blkback counters of one virtual disk (sectors are 512 bytes). */
export interface VbdCounters {
  readonly domid: number;
  readonly vdevNumber: number;
  readonly vdev: Vdev | null;
  readonly ooReq: number;
  readonly rdReq: number;
  readonly wrReq: number;
  readonly rdSect: number;
  readonly wrSect: number;
}

/** Cumulative netback counters of one vif, from Dom0's side. */
export interface VifCounters {
  readonly domid: number;
  readonly devid: number;
  /** Bytes Dom0 received from the guest: the guest's OUTBOUND traffic. */
  readonly rxBytes: number;
  /** Bytes Dom0 sent to the guest: the guest's inbound traffic. */
  readonly txBytes: number;
}

export interface DeviceCounters {
  readonly vbds: readonly VbdCounters[];
  readonly vifs: readonly VifCounters[];
}

const VBD_LINE = /^\/sys\/bus\/xen-backend\/devices\/vbd-(\d+)-(\d+)\/statistics\/([a-z_]+):(.*)$/;
const VIF_LINE = /^\/sys\/class\/net\/vif(\d+)\.(\d+)\/statistics\/([a-z_]+):(.*)$/;
const VBD_FIELDS = { oo_req: 'ooReq', rd_req: 'rdReq', wr_req: 'wrReq', rd_sect: 'rdSect', wr_sect: 'wrSect' } as const;
const VIF_FIELDS = { rx_bytes: 'rxBytes', tx_bytes: 'txBytes' } as const;

/**
 * `grep -r . <vbd statistics dirs> <vif statistics dirs>`: `path:value` lines.
 * Counters carve does not use (f_req, rx_packets, ...) are skipped; a device
 * missing one it does use is an error, not a silent zero.
 */
export function parseDeviceCounters(stdout: string): DeviceCounters {
  const fail = failer('sysfs counters');
  const vbds = new Map<string, { domid: number; vdevNumber: number; line: OutputLine; values: Partial<Record<string, number>> }>();
  const vifs = new Map<string, { domid: number; devid: number; line: OutputLine; values: Partial<Record<string, number>> }>();
  for (const line of outputLines(stdout)) {
    const at = (reason: string): never => fail(line, reason);
    const text = line.text.trim();
    const vbd = VBD_LINE.exec(text);
    const vif = vbd ? null : VIF_LINE.exec(text);
    if (vbd) {
      const key = `${vbd[1]}-${vbd[2]}`;
      const entry = vbds.get(key) ?? { domid: toSafeInteger(vbd[1], at, 'domid'), vdevNumber: toSafeInteger(vbd[2], at, 'vdev'), line, values: {} };
      vbds.set(key, entry);
      if (vbd[3] in VBD_FIELDS) entry.values[vbd[3]] = toSafeInteger(vbd[4].trim(), at, vbd[3]);
    } else if (vif) {
      const key = `${vif[1]}.${vif[2]}`;
      const entry = vifs.get(key) ?? { domid: toSafeInteger(vif[1], at, 'domid'), devid: toSafeInteger(vif[2], at, 'devid'), line, values: {} };
      vifs.set(key, entry);
      if (vif[3] in VIF_FIELDS) entry.values[vif[3]] = toSafeInteger(vif[4].trim(), at, vif[3]);
    } else if (!/^grep: /.test(text)) {
      at('expected /sys/.../statistics/<counter>:<value>');
    }
  }
  const need = (values: Partial<Record<string, number>>, field: string, device: string): number =>
    values[field] ?? fail(endOf(stdout), `${device} has no ${field}`);
  return {
    vbds: [...vbds.values()].map((e) => {
      const device = `vbd-${e.domid}-${e.vdevNumber}`;
      return {
        domid: e.domid,
        vdevNumber: e.vdevNumber,
        vdev: vdevFromNumber(e.vdevNumber) ?? null,
        ooReq: need(e.values, 'oo_req', device),
        rdReq: need(e.values, 'rd_req', device),
        wrReq: need(e.values, 'wr_req', device),
        rdSect: need(e.values, 'rd_sect', device),
        wrSect: need(e.values, 'wr_sect', device),
      };
    }),
    vifs: [...vifs.values()].map((e) => {
      const device = `vif${e.domid}.${e.devid}`;
      return { domid: e.domid, devid: e.devid, rxBytes: need(e.values, 'rx_bytes', device), txBytes: need(e.values, 'tx_bytes', device) };
    }),
  };
}
