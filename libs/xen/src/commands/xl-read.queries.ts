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
import { Dom0Query, queryAsVerb } from './dom0-command';

export function xlListQuery(): Dom0Query<XlListEntry[]> {
  return queryAsVerb('xl.list', {}, { command: buildCommand(['xl', 'list'], 'list domains'), parse: parseXlList });
}

export function xlListLongQuery(): Dom0Query<XlDomainDetail[]> {
  return queryAsVerb('xl.list-long', {}, { command: buildCommand(['xl', 'list', '-l'], 'list domain configurations as JSON'), parse: parseXlListLong });
}

export function xlUptimeQuery(): Dom0Query<XlUptimeEntry[]> {
  return queryAsVerb('xl.uptime', {}, { command: buildCommand(['xl', 'uptime'], 'read domain uptimes'), parse: parseXlUptime });
}

export function xlUptimeShortQuery(): Dom0Query<XlShortUptimeEntry[]> {
  return queryAsVerb('xl.uptime-short', {}, { command: buildCommand(['xl', 'uptime', '-s'], 'read domain uptimes, short form'), parse: parseXlUptimeShort });
}

export function xlInfoQuery(): Dom0Query<XlInfo> {
  return queryAsVerb('xl.info', {}, { command: buildCommand(['xl', 'info'], 'read host information'), parse: parseXlInfo });
}

/** `xl info free_memory` prints the value alone (xl matches the key as a prefix). */
export function xlInfoValueQuery(key: string): Dom0Query<string> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(key)) throw new XenArgumentError('key', 'must be an xl info key such as free_memory', key);
  return queryAsVerb('xl.info-value', { key }, { command: buildCommand(['xl', 'info', key], `read host ${key}`), parse: parseXlInfoValue });
}

export function xlVcpuListQuery(): Dom0Query<XlVcpuEntry[]> {
  return queryAsVerb('xl.vcpu-list', {}, { command: buildCommand(['xl', 'vcpu-list'], 'list vCPUs'), parse: parseXlVcpuList });
}

export function xlSchedCredit2ListQuery(): Dom0Query<SchedCredit2Entry[]> {
  return queryAsVerb('xl.sched-credit2-list', {}, { command: buildCommand(['xl', 'sched-credit2'], 'list credit2 weights and caps'), parse: parseSchedCredit2 });
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
  return queryAsVerb('xentop', { ...options }, {
    command: buildCommand(['xentop', '-b', ...full, '-i', String(iterations), '-d', String(delay)], 'sample per-domain usage with xentop'),
    parse: parseXentop,
  });
}
