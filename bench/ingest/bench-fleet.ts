/**
 * The bench's fleet: hosts of 50 DomUs each, with ids, owners and volumes as carve would
 * have them, and the counters each Dom0 shows, grown one collection interval at a time.
 * Everything comes from one seed, so two fleets built alike print the same readings.
 */
import { createHash } from 'node:crypto';
import type { MeteredServer } from '@carve/servers';

export const DOMAINS_PER_HOST = 50;
export const VOLUME_GROUP = 'vg0';
const CUSTOMERS = 400;
const SERVER_NAMES = ['web', 'db', 'app', 'mail', 'ci', 'vpn', 'cache', 'api', 'shop', 'git'];

/** A deterministic uuid (random-looking, so keys land all over the indexes as real ids do). */
export function benchUuid(kind: string, n: number): string {
  const hex = createHash('md5').update(`carve-bench-ingest:${kind}:${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** mulberry32: small, fast, and the same numbers from the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One LV of a DomU and the counters of its dm device. */
export interface BenchVolume {
  name: string;
  kernelMinor: number;
  /** /sys/class/block/dm-N/stat, 17 fields. */
  stat: number[];
  /** Per-interval growth of the busy fields (reads, sectors, ticks). */
  readIosPerInterval: number;
  writeIosPerInterval: number;
}

/** A DomU as the Dom0 shows it, with its cumulative counters. */
export interface BenchDomain {
  server: MeteredServer;
  domid: number;
  memoryMiB: number;
  vcpus: number;
  /** xl list Time(s) in tenths of a second. */
  cpuTenths: number;
  /** Share of its vCPUs it keeps busy (0..1). */
  cpuLoad: number;
  vbd: { oo: number; rd: number; wr: number; rsect: number; wsect: number };
  vif: { rx: number; tx: number };
  /** Bytes per interval the guest sends (rx on the vif) and receives. */
  sendPerInterval: number;
  receivePerInterval: number;
  volumes: BenchVolume[];
}

export interface BenchHost {
  id: string;
  index: number;
  /** Milliseconds after each interval boundary at which this host is read (the collector's spread). */
  readOffsetMs: number;
  dom0CpuTenths: number;
  domains: BenchDomain[];
  /** Whole devices and partitions outside the VG's LVs: sda, sda1..3, sdb.., md1, md2, loop0, sr0. */
  devices: Map<string, number[]>;
  /** LVs that exist but are not active (kernel minor -1). */
  inactiveVolumes: string[];
}

/** The owners of a server: customers spread over the fleet, one or two pools each. */
export function ownersOf(serverIndex: number): { customerId: string; poolId: string } {
  const customer = (serverIndex * 7919) % CUSTOMERS;
  const pool = customer * 2 + (serverIndex % 3 === 0 ? 1 : 0);
  return { customerId: benchUuid('customer', customer), poolId: benchUuid('pool', pool) };
}

export function serverIdOf(serverIndex: number): string {
  return benchUuid('server', serverIndex);
}

export function hostIdOf(hostIndex: number): string {
  return benchUuid('host', hostIndex);
}

const stat17 = (random: () => number, scale: number): number[] =>
  Array.from({ length: 17 }, (_, i) => ([8, 11, 12, 13, 14].includes(i) ? 0 : Math.floor(random() * scale * (i % 4 === 2 ? 64 : 1))));

function buildHost(index: number): BenchHost {
  const random = seededRandom(1000 + index);
  let minor = 0;
  let domid = 1 + Math.floor(random() * 40);
  const domains: BenchDomain[] = [];
  for (let d = 0; d < DOMAINS_PER_HOST; d += 1) {
    const serverIndex = index * DOMAINS_PER_HOST + d;
    const id = serverIdOf(serverIndex);
    const domainName = `${SERVER_NAMES[serverIndex % SERVER_NAMES.length]}${1 + (serverIndex % 7)}-${id.replace(/-/g, '').slice(0, 8)}`;
    const labels = d % 4 === 0 ? ['root', 'data', 'swap'] : ['root', 'swap'];
    const volumes = labels.map((label) => ({
      name: `${domainName}-${label}`,
      kernelMinor: minor++,
      stat: stat17(random, 100_000),
      readIosPerInterval: label === 'swap' ? Math.floor(random() * 5) : Math.floor(random() * 3000),
      writeIosPerInterval: label === 'swap' ? Math.floor(random() * 5) : Math.floor(random() * 6000),
    }));
    const vcpus = [1, 1, 2, 2, 2, 4, 4, 8][Math.floor(random() * 8)]!;
    domains.push({
      server: { id, ...ownersOf(serverIndex), domainName, volumeNames: volumes.map((v) => v.name) },
      domid,
      memoryMiB: [1024, 2048, 2048, 4096, 4096, 8192, 16384][Math.floor(random() * 7)]!,
      vcpus,
      cpuTenths: Math.floor(random() * 50_000_000),
      cpuLoad: random() < 0.2 ? 0.01 : random() * 0.6,
      vbd: { oo: Math.floor(random() * 50), rd: Math.floor(random() * 1e8), wr: Math.floor(random() * 3e8), rsect: Math.floor(random() * 5e9), wsect: Math.floor(random() * 2e10) },
      vif: { rx: Math.floor(random() * 1e12), tx: Math.floor(random() * 1e11) },
      sendPerInterval: Math.floor(random() ** 3 * 600_000_000),
      receivePerInterval: Math.floor(random() ** 3 * 60_000_000),
      volumes,
    });
    domid += 1 + Math.floor(random() * 3);
  }
  const devices = new Map<string, number[]>();
  for (const name of ['loop0', 'md1', 'md2', 'sda', 'sda1', 'sda2', 'sda3', 'sdb', 'sdb1', 'sdb2', 'sdb3', 'sr0']) {
    devices.set(name, name === 'sr0' ? new Array<number>(17).fill(0) : stat17(random, 10_000_000));
  }
  const inactiveVolumes = [`old-backup-${index}`];
  return { id: hostIdOf(index), index, readOffsetMs: Math.floor(random() * 4000), dom0CpuTenths: Math.floor(random() * 1e8), domains, devices, inactiveVolumes };
}

/**
 * Hosts 0..count-1 of the fleet. Server n of the fleet is host floor(n / 50)'s domain
 * n % 50 everywhere in the bench (readings and seeded history alike).
 */
export class BenchFleet {
  readonly hosts: BenchHost[];
  private readonly random: () => number;

  constructor(count: number) {
    this.hosts = Array.from({ length: count }, (_, i) => buildHost(i));
    this.random = seededRandom(7);
  }

  /** One collection interval (60 s) of work on every host: every counter grows. */
  advance(): void {
    const r = this.random;
    for (const host of this.hosts) {
      host.dom0CpuTenths += 600 + Math.floor(r() * 900);
      let rdIos = 0;
      let wrIos = 0;
      for (const d of host.domains) {
        const busy = d.cpuLoad * (0.5 + r());
        d.cpuTenths += Math.floor(d.vcpus * 600 * Math.min(1, busy));
        const rd = Math.floor(d.volumes.reduce((s, v) => s + v.readIosPerInterval, 0) * (0.5 + r()));
        const wr = Math.floor(d.volumes.reduce((s, v) => s + v.writeIosPerInterval, 0) * (0.5 + r()));
        d.vbd.rd += rd;
        d.vbd.wr += wr;
        d.vbd.rsect += rd * (8 + Math.floor(r() * 56));
        d.vbd.wsect += wr * (8 + Math.floor(r() * 24));
        if (r() < 0.05) d.vbd.oo += 1 + Math.floor(r() * 20);
        d.vif.rx += Math.floor(d.sendPerInterval * (0.5 + r()));
        d.vif.tx += Math.floor(d.receivePerInterval * (0.5 + r()));
        for (const v of d.volumes) {
          const reads = Math.floor(v.readIosPerInterval * (0.5 + r()));
          const writes = Math.floor(v.writeIosPerInterval * (0.5 + r()));
          growStat(v.stat, reads, writes, r);
          rdIos += reads;
          wrIos += writes;
        }
      }
      for (const [name, stat] of host.devices) {
        if (name === 'md2') growStat(stat, rdIos, wrIos, r);
        else if (name === 'sda' || name === 'sdb' || name === 'sda3' || name === 'sdb3') growStat(stat, Math.floor(rdIos / 2), wrIos, r);
        else if (name !== 'sr0') growStat(stat, Math.floor(r() * 20), Math.floor(r() * 200), r);
      }
    }
  }
}

/** Grows a 17-field block stat by some reads and writes, with merges, sectors and time to match. */
function growStat(stat: number[], reads: number, writes: number, r: () => number): void {
  const add = (i: number, n: number): void => {
    stat[i] = (stat[i] ?? 0) + n;
  };
  add(0, reads);
  add(1, Math.floor(reads * 0.1 * r()));
  add(2, reads * 16);
  add(3, Math.floor(reads * (0.1 + r())));
  add(4, writes);
  add(5, Math.floor(writes * 0.2 * r()));
  add(6, writes * 12);
  add(7, Math.floor(writes * (0.2 + r())));
  add(9, Math.min(60_000, Math.floor((reads + writes) * 0.3 * r())));
  add(10, Math.floor((reads + writes) * (0.3 + r())));
  add(15, Math.floor(writes * 0.01));
  add(16, Math.floor(writes * 0.02));
}
