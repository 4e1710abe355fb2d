import { XenArgumentError } from '../errors/xen-argument.error';
import { parseSchedCredit2, SchedCredit2Entry } from '../parsers/sched-credit2.parser';
import { parseXentop, XentopSample } from '../parsers/xentop.parser';
import { parseXlInfo, parseXlInfoValue, XlInfo } from '../parsers/xl-info.parser';
import { parseXlListLong, XlDomainDetail } from '../parsers/xl-list-long.parser';
import { parseXlList, XlListEntry } from '../parsers/xl-list.parser';
import { parseXlUptime, parseXlUptimeShort, XlShortUptimeEntry, XlUptimeEntry } from '../parsers/xl-uptime.parser';
import { parseXlVcpuList, XlVcpuEntry } from '../parsers/xl-vcpu-list.parser';
import { validatePositiveInteger } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { Dom0Query } from './dom0-command';

export function xlListQuery(): Dom0Query<XlListEntry[]> {
  return { command: buildCommand(['xl', 'list'], 'list domains'), parse: parseXlList };
}

export function xlListLongQuery(): Dom0Query<XlDomainDetail[]> {
  return { command: buildCommand(['xl', 'list', '-l'], 'list domain configurations as JSON'), parse: parseXlListLong };
}

export function xlUptimeQuery(): Dom0Query<XlUptimeEntry[]> {
  return { command: buildCommand(['xl', 'uptime'], 'read domain uptimes'), parse: parseXlUptime };
}

export function xlUptimeShortQuery(): Dom0Query<XlShortUptimeEntry[]> {
  return { command: buildCommand(['xl', 'uptime', '-s'], 'read domain uptimes, short form'), parse: parseXlUptimeShort };
}

export function xlInfoQuery(): Dom0Query<XlInfo> {
  return { command: buildCommand(['xl', 'info'], 'read host information'), parse: parseXlInfo };
}

/** `xl info free_memory` prints the value alone (xl matches the key as a prefix). */
export function xlInfoValueQuery(key: string): Dom0Query<string> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(key)) throw new XenArgumentError('key', 'must be an xl info key such as free_memory', key);
  return { command: buildCommand(['xl', 'info', key], `read host ${key}`), parse: parseXlInfoValue };
}

export function xlVcpuListQuery(): Dom0Query<XlVcpuEntry[]> {
  return { command: buildCommand(['xl', 'vcpu-list'], 'list vCPUs'), parse: parseXlVcpuList };
}

export function xlSchedCredit2ListQuery(): Dom0Query<SchedCredit2Entry[]> {
  return { command: buildCommand(['xl', 'sched-credit2'], 'list credit2 weights and caps'), parse: parseSchedCredit2 };
}

export interface XentopOptions {
  /** Iterations; at least 2 so CPU(%) is measured (the first shows 0.0). Default 2. */
  readonly iterations?: number;
  /** Seconds between iterations. Default 1. */
  readonly delaySeconds?: number;
  /** `-f`: full names. Without it xentop prints `%10.10s`: the FIRST 10 characters, so longer names can collide. */
  readonly fullNames?: boolean;
}

export function xentopQuery(options: XentopOptions = {}): Dom0Query<XentopSample> {
  const iterations = validatePositiveInteger(options.iterations ?? 2, 'iterations', 100);
  const delay = validatePositiveInteger(options.delaySeconds ?? 1, 'delaySeconds', 3600);
  const full = options.fullNames ? ['-f'] : [];
  return {
    command: buildCommand(['xentop', '-b', ...full, '-i', String(iterations), '-d', String(delay)], 'sample per-domain usage with xentop'),
    parse: parseXentop,
  };
}
