/**
 * What a seeded server does with its resources: a workload profile per server (web,
 * cpu-bound, io-heavy, network-heavy, idle), a daily curve in its users' time zone, a
 * weekday/weekend difference and a little noise, all drawn from the seed and the server
 * id. Counters are derived from each other the way the Dom0 counts them: bytes are
 * requests times the request size, ticks are requests times their latency (which grows
 * with load), CPU time never exceeds the vCPUs times the span.
 */
import type { Counters } from '@carve/metering';
import { gaussian, hash32, mix32, uniform } from './seeded-random';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A 1 Gbit/s vif: no span sends or receives more. */
export const UPLINK_BYTES_PER_MS = 125_000;

/** What a host's disks deliver (the simulator's default: two SATA drives in RAID1), in random requests per second. */
export const DISK_REQUESTS_PER_SEC = 250;

/**
 * Requests queue once a server asks a good part of what the disks deliver: at a demand of
 * D (its requests per second over DISK_REQUESTS_PER_SEC) latency is the quiet-disk latency
 * times 1 + LATENCY_GROWTH × min(D, 3)², so at most MAX_LATENCY_FACTOR times it.
 */
const LATENCY_GROWTH = 0.5;
export const MAX_LATENCY_FACTOR = 1 + LATENCY_GROWTH * 9;

export const PROFILE_NAMES = ['web', 'cpu-bound', 'io-heavy', 'network-heavy', 'idle'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface UsageProfile {
  /** How many servers get this profile (the shares add up to 1). */
  readonly share: number;
  /** Load by local hour of day [0, 24), about 1 at the day's peak. */
  readonly daily: (hour: number) => number;
  /** Load on Saturdays and Sundays relative to weekdays. */
  readonly weekend: number;
  /** Busy share of each vCPU: idle + perLoad × load, capped at 1. */
  readonly cpu: { readonly idle: number; readonly perLoad: number };
  /** Per second at load 1. */
  readonly readsPerSec: number;
  readonly writesPerSec: number;
  /** Typical request sizes; each server gets half, this or double (a power of two times 4 KiB either way). */
  readonly readRequestBytes: number;
  readonly writeRequestBytes: number;
  /** On quiet disks; grows with the server's disk demand (see MAX_LATENCY_FACTOR). */
  readonly readLatencyMs: number;
  readonly writeLatencyMs: number;
  /** Share of requests that find blkback's ring full (VBD_OO), per unit of disk demand above 1. */
  readonly ringFullPerOverload: number;
  /** Guest transmit and receive, per second at load 1. */
  readonly netOutBytesPerSec: number;
  readonly netInBytesPerSec: number;
  /** Extra load in the first minute of each hour (cron), as a factor. */
  readonly cronBoost: number;
}

/** Shortest distance between two hours on the 24-hour circle. */
function hoursApart(a: number, b: number): number {
  const d = Math.abs(a - b) % 24;
  return Math.min(d, 24 - d);
}

/** A bell around `peak` with standard deviation `width` hours, 1 at its peak. */
function bump(hour: number, peak: number, width: number): number {
  const d = hoursApart(hour, peak) / width;
  return Math.exp(-0.5 * d * d);
}

/** About 1 from `from` to `to` o'clock, with soft edges. */
function officeHours(hour: number, from: number, to: number): number {
  const rise = 1 / (1 + Math.exp(-2 * (hour - from)));
  const fall = 1 / (1 + Math.exp(-2 * (to - hour)));
  return rise * fall;
}

// Rates at load 1 follow the simulator's profiles (apps/dom0-sim/src/workload-profiles.ts) so seeded and simulated servers look alike.
export const PROFILES: Readonly<Record<ProfileName, UsageProfile>> = {
  // A shop or blog: a lunch bump and an evening peak, busier at weekends.
  web: {
    share: 0.4,
    daily: (h) => 0.12 + 0.25 * bump(h, 12.5, 2) + 0.9 * bump(h, 20.5, 2.5),
    weekend: 1.2,
    cpu: { idle: 0.02, perLoad: 0.25 },
    readsPerSec: 8,
    writesPerSec: 14,
    readRequestBytes: 16_384,
    writeRequestBytes: 8_192,
    readLatencyMs: 4,
    writeLatencyMs: 5,
    ringFullPerOverload: 0,
    netOutBytesPerSec: 300_000,
    netInBytesPerSec: 45_000,
    cronBoost: 1.5,
  },
  // Builds and batch jobs: busy around the clock, a little more at night, quieter at weekends.
  'cpu-bound': {
    share: 0.15,
    daily: (h) => 0.8 + 0.2 * bump(h, 3, 3),
    weekend: 0.6,
    cpu: { idle: 0.45, perLoad: 0.5 },
    readsPerSec: 1,
    writesPerSec: 3,
    readRequestBytes: 4_096,
    writeRequestBytes: 4_096,
    readLatencyMs: 4,
    writeLatencyMs: 4.5,
    ringFullPerOverload: 0,
    netOutBytesPerSec: 2_000,
    netInBytesPerSec: 2_000,
    cronBoost: 0,
  },
  // A business database: office hours plus the nightly backup, quiet at weekends.
  'io-heavy': {
    share: 0.15,
    daily: (h) => 0.25 + 0.45 * officeHours(h, 8, 18) + 0.8 * bump(h, 2.5, 0.8),
    weekend: 0.5,
    cpu: { idle: 0.05, perLoad: 0.25 },
    readsPerSec: 350,
    writesPerSec: 700,
    readRequestBytes: 65_536,
    writeRequestBytes: 65_536,
    readLatencyMs: 4.4,
    writeLatencyMs: 4.4,
    ringFullPerOverload: 0.05,
    netOutBytesPerSec: 6_000,
    netInBytesPerSec: 6_000,
    cronBoost: 0,
  },
  // Video or downloads: evening peak, busiest at weekends, mostly outbound.
  'network-heavy': {
    share: 0.1,
    daily: (h) => 0.25 + 0.75 * bump(h, 21, 3.5),
    weekend: 1.35,
    cpu: { idle: 0.03, perLoad: 0.2 },
    readsPerSec: 3,
    writesPerSec: 5,
    readRequestBytes: 131_072,
    writeRequestBytes: 8_192,
    readLatencyMs: 4.4,
    writeLatencyMs: 5,
    ringFullPerOverload: 0,
    netOutBytesPerSec: 10_000_000,
    netInBytesPerSec: 1_500_000,
    cronBoost: 0,
  },
  // Waiting for something to happen: flat, with cron waking it once an hour.
  idle: {
    share: 0.2,
    daily: () => 1,
    weekend: 1,
    cpu: { idle: 0.003, perLoad: 0.004 },
    readsPerSec: 0.2,
    writesPerSec: 0.8,
    readRequestBytes: 4_096,
    writeRequestBytes: 4_096,
    readLatencyMs: 4,
    writeLatencyMs: 4,
    ringFullPerOverload: 0,
    netOutBytesPerSec: 300,
    netInBytesPerSec: 600,
    cronBoost: 6,
  },
};

/** Where a server's users are, as minutes east of UTC. */
const UTC_OFFSETS_MINUTES = [0, 60, 60, 120, 60, -300, -480, 480, 540, 330];

/** Channels of the random draws, so no two of them reuse the same numbers. */
const Draw = { Profile: 1, Scale: 2, Offset: 3, ReadSize: 4, WriteSize: 5, Noise: 6 } as const;

/** Everything about a server that its usage is drawn from. */
export interface ServerTraits {
  readonly serverId: string;
  readonly profile: ProfileName;
  /** The seed and the server id hashed together: the root of every draw for this server. */
  readonly key: number;
  /** This server's workload relative to its profile's (log-normal around 1, 0.3 to 3). */
  readonly scale: number;
  readonly utcOffsetMinutes: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly readRequestBytes: number;
  readonly writeRequestBytes: number;
}

export interface TraitsInput {
  id: string;
  vcpus: number;
  memoryMiB: number;
}

/** Half, the same or double: each server's request sizes differ a little from its profile's. */
function sizeNear(bytes: number, draw: number): number {
  return draw < 0.25 ? Math.max(4_096, bytes / 2) : draw < 0.75 ? bytes : bytes * 2;
}

export function traitsFor(seed: number, server: TraitsInput, profile?: ProfileName): ServerTraits {
  const key = mix32(seed, hash32(server.id));
  const pick = uniform(key, Draw.Profile);
  let cumulative = 0;
  const drawn = PROFILE_NAMES.find((name) => (cumulative += PROFILES[name].share) > pick) ?? 'idle';
  const chosen = profile ?? drawn;
  return {
    serverId: server.id,
    profile: chosen,
    key,
    scale: Math.min(3, Math.max(0.3, Math.exp(0.45 * gaussian(key, Draw.Scale)))),
    utcOffsetMinutes: UTC_OFFSETS_MINUTES[Math.floor(uniform(key, Draw.Offset) * UTC_OFFSETS_MINUTES.length)]!,
    vcpus: server.vcpus,
    memoryMiB: server.memoryMiB,
    readRequestBytes: sizeNear(PROFILES[chosen].readRequestBytes, uniform(key, Draw.ReadSize)),
    writeRequestBytes: sizeNear(PROFILES[chosen].writeRequestBytes, uniform(key, Draw.WriteSize)),
  };
}

/** How busy the server is over [from, to), 1 being its profile's weekday peak. */
export function loadOver(traits: ServerTraits, from: number, to: number): number {
  const profile = PROFILES[traits.profile];
  const middle = from + (to - from) / 2;
  const local = middle + traits.utcOffsetMinutes * MINUTE_MS;
  const hour = (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const weekday = new Date(local).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? profile.weekend : 1;
  const season = 1 + 0.08 * Math.sin((2 * Math.PI * middle) / (365.25 * DAY_MS));
  // A mean over more minutes is less noisy; hours still drift from one to the next.
  const sigma = Math.max(0.06, 0.2 / Math.sqrt((to - from) / MINUTE_MS));
  const noise = Math.exp(sigma * gaussian(traits.key, Draw.Noise, Math.floor(from / MINUTE_MS)) - (sigma * sigma) / 2);
  const cron = to - from <= MINUTE_MS && Math.floor(local / MINUTE_MS) % 60 === 0 ? 1 + profile.cronBoost : 1;
  return profile.daily(hour) * weekend * season * traits.scale * noise * cron;
}

/** The latency of a request at this disk demand (requests per second over DISK_REQUESTS_PER_SEC), as a multiple of its quiet-disk latency. */
export function latencyFactor(demand: number): number {
  const d = Math.min(demand, 3);
  return 1 + LATENCY_GROWTH * d * d;
}

/** The counters of one span of the server's usage. */
export function usageOver(traits: ServerTraits, from: number, to: number): Counters {
  const profile = PROFILES[traits.profile];
  const ms = to - from;
  const seconds = ms / 1000;
  const load = loadOver(traits, from, to);
  const readRequests = Math.round(profile.readsPerSec * load * seconds);
  const writeRequests = Math.round(profile.writesPerSec * load * seconds);
  const requests = readRequests + writeRequests;
  const demand = requests / seconds / DISK_REQUESTS_PER_SEC;
  const latency = latencyFactor(demand);
  const readTicksMs = Math.round(readRequests * profile.readLatencyMs * latency);
  const writeTicksMs = Math.round(writeRequests * profile.writeLatencyMs * latency);
  const uplink = UPLINK_BYTES_PER_MS * ms;
  return {
    cpuMs: Math.floor(Math.min(1, profile.cpu.idle + profile.cpu.perLoad * load) * traits.vcpus * ms),
    readRequests,
    writeRequests,
    readBytes: readRequests * traits.readRequestBytes,
    writeBytes: writeRequests * traits.writeRequestBytes,
    ooRequests: Math.min(requests, Math.floor(requests * profile.ringFullPerOverload * Math.max(0, demand - 1))),
    netOutBytes: Math.min(uplink, Math.round(profile.netOutBytesPerSec * load * seconds)),
    netInBytes: Math.min(uplink, Math.round(profile.netInBytesPerSec * load * seconds)),
    readTicksMs,
    writeTicksMs,
    // The device's weighted time in queue: every request's whole wait (flushes and discards are not modelled).
    queueTicksMs: readTicksMs + writeTicksMs,
  };
}
