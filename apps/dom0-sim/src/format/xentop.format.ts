import { floorCounters, vdevNumber } from '../state/domain-counters';
import type { DomainCounters } from '../state/domain-counters';
import type { DomainView } from '../state/domain-view';
import { fixed1, right } from './printf';

export const XENTOP_HEADER =
  '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID';

export interface XentopRow {
  view: DomainView;
  counters: DomainCounters | undefined;
  cpuPercent: number;
}

export interface XentopOptions {
  fullNames: boolean;
  vbdDetail: boolean;
  netDetail: boolean;
  /** `-r`: the header before every domain row instead of once per iteration. */
  repeatHeader?: boolean;
  totalMemoryMiB: number;
}

/** xentop's own letter order: d s b c p r. */
const xentopState = (view: DomainView): string => (view.running ? '-----r' : '--b---');

function sums(counters: DomainCounters | undefined) {
  const vbds = Object.values(counters?.vbds ?? {}).map(floorCounters);
  const vifs = Object.values(counters?.vifs ?? {}).map(floorCounters);
  const total = <T extends object>(items: Record<keyof T, number>[], key: keyof T): number => items.reduce((s, c) => s + c[key], 0);
  return {
    nets: vifs.length,
    // Dom0's view: its tx is what the guest received.
    nettxK: Math.floor(total(vifs, 'tx_bytes') / 1024),
    netrxK: Math.floor(total(vifs, 'rx_bytes') / 1024),
    vbds: vbds.length,
    oo: total(vbds, 'oo_req'),
    rd: total(vbds, 'rd_req'),
    wr: total(vbds, 'wr_req'),
    rsect: total(vbds, 'rd_sect'),
    wsect: total(vbds, 'wr_sect'),
  };
}

export function formatXentopRow(row: XentopRow, options: XentopOptions): string {
  const v = row.view;
  const memK = v.memoryMiB * 1024;
  const pct = (k: number): number => (k / (options.totalMemoryMiB * 1024)) * 100;
  // DomUs carry 1 MiB of slack above the target; Dom0 shows its dom0_mem max.
  const maxK = v.maxMemMiB === undefined ? undefined : v.domid === 0 ? v.maxMemMiB * 1024 : memK + 1024;
  const s = sums(row.counters);
  const name = options.fullNames ? right(v.name, 10) : right(v.name.slice(0, 10), 10);
  const fields = [
    name,
    xentopState(v),
    right(Math.floor(v.cpuSeconds), 10),
    fixed1(row.cpuPercent, 6),
    right(memK, 10),
    fixed1(pct(memK), 6),
    maxK === undefined ? right('no limit', 10) : right(maxK, 10),
    maxK === undefined ? right('n/a', 9) : fixed1(pct(maxK), 9),
    right(v.vcpus, 5),
    right(s.nets, 4),
    right(s.nettxK, 8),
    right(s.netrxK, 8),
    right(s.vbds, 4),
    right(s.oo, 8),
    right(s.rd, 8),
    right(s.wr, 8),
    right(s.rsect, 10),
    right(s.wsect, 10),
    right(0, 4),
  ];
  const lines = [fields.join(' ')];
  if (options.netDetail && v.domain) {
    for (const vif of v.domain.vifs) {
      const c = floorCounters(row.counters?.vifs[String(vif.devid)] ?? { rx_bytes: 0, tx_bytes: 0, rx_packets: 0, tx_packets: 0 });
      lines.push(
        `Net${vif.devid} RX: ${right(c.rx_bytes, 8)}bytes ${right(c.rx_packets, 8)}pkts ${right(0, 8)}err ${right(0, 8)}drop  ` +
          `TX: ${right(c.tx_bytes, 8)}bytes ${right(c.tx_packets, 8)}pkts ${right(0, 8)}err ${right(0, 8)}drop`,
      );
    }
  }
  if (options.vbdDetail && v.domain) {
    for (const disk of v.domain.disks) {
      const c = row.counters?.vbds[disk.vdev];
      if (!c) continue;
      const f = floorCounters(c);
      const dev = vdevNumber(disk.vdev);
      const details = `[${(dev >> 8).toString(16).padStart(2)}:${(dev & 0xff).toString(16).padStart(2)}]`;
      lines.push(
        `VBD BlkBack ${right(dev, 4)} ${details}  OO: ${right(f.oo_req, 8)}   RD: ${right(f.rd_req, 8)}   WR: ${right(f.wr_req, 8)}   RSECT: ${right(f.rd_sect, 10)}   WSECT: ${right(f.wr_sect, 10)}`,
      );
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * One batch-mode iteration: rows sorted by name, case-insensitive, the header
 * before the first (xentop's top(): `if (i == first_domain_index || repeat_header)`),
 * or before each with -r.
 */
export function formatXentopIteration(rows: readonly XentopRow[], options: XentopOptions): string {
  // strcasecmp order, not locale order.
  const key = (r: XentopRow): string => r.view.name.toLowerCase();
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return sorted.map((r, i) => `${i === 0 || options.repeatHeader ? `${XENTOP_HEADER}\n` : ''}${formatXentopRow(r, options)}`).join('');
}
