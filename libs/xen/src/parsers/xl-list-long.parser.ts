import { XenParseError } from '../errors/xen-parse.error';

export interface XlDiskDetail {
  readonly pdevPath?: string;
  readonly vdev?: string;
  readonly backend?: string;
  readonly format?: string;
  /** libxl omits readwrite when it is the default (0). */
  readonly readWrite: boolean;
}

export interface XlNicDetail {
  readonly devid?: number;
  readonly mac?: string;
  readonly bridge?: string;
  /** Bytes allowed per interval; absent = no rate limit. */
  readonly rateBytesPerInterval?: number;
  readonly rateIntervalUsecs?: number;
}

export interface XlDomainDetail {
  readonly domid: number;
  readonly name: string;
  readonly type?: string;
  readonly uuid?: string;
  readonly maxMemKiB?: number;
  readonly targetMemKiB?: number;
  readonly maxVcpus?: number;
  /** Online vCPU ids (libxl prints the bitmap as a list of set bits). */
  readonly availVcpus?: readonly number[];
  readonly sched?: { readonly scheduler?: string; readonly weight?: number; readonly cap?: number };
  /** How it booted: direct kernel boot (b_info.kernel/ramdisk/cmdline) or a bootloader (b_info."type.pv".bootloader). */
  readonly kernel?: string;
  readonly ramdisk?: string;
  readonly cmdline?: string;
  readonly bootloader?: string;
  readonly disks: readonly XlDiskDetail[];
  readonly nics: readonly XlNicDetail[];
}

const PARSER = 'xl list -l';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineOfPosition(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

/**
 * Where a domain's object starts, for error messages: the n-th line that opens
 * an object at the array's top level is good enough for both pretty-print styles.
 */
function lineOfItem(text: string, domid: Json | undefined, fallback: number): number {
  if (typeof domid !== 'number') return fallback;
  const match = new RegExp(`"domid"\\s*:\\s*${domid}\\b`).exec(text);
  return match ? lineOfPosition(text, match.index) : fallback;
}

/**
 * `xl list -l`: a JSON array of {domid, config}. Uses JSON.parse, so both the
 * 4-space `"key": value` and the 2-space `"key":value` styles read the same.
 * Default-valued fields are omitted by libxl: they come back undefined.
 */
export function parseXlListLong(stdout: string): XlDomainDetail[] {
  // Stray libxl lines are blanked (not removed) so line numbers stay true.
  const lines = stdout.split('\n').map((l) => (/^(libxl|libxc|xc)\s*:/.test(l) ? '' : l.replace(/\r$/, '')));
  const text = lines.join('\n');
  const fail = (lineNumber: number, reason: string): never => {
    throw new XenParseError(PARSER, lineNumber, lines[lineNumber - 1] ?? '', reason);
  };
  if (text.trim() === '') return [];
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const lineColumn = /line (\d+) column/.exec(message);
    const lineNumber = lineColumn ? Number(lineColumn[1]) : position ? lineOfPosition(text, Number(position[1])) : lines.length;
    return fail(lineNumber, `not valid JSON: ${message}`);
  }
  if (!Array.isArray(root)) return fail(1, 'expected a JSON array of domains');
  return root.map((item, index) => {
    const at = (reason: string): never => fail(lineOfItem(text, isObject(item) ? item.domid : undefined, 1), `domain #${index}: ${reason}`);
    if (!isObject(item)) return at('expected an object');
    const config = isObject(item.config) ? item.config : at('missing config');
    const cInfo = isObject(config.c_info) ? config.c_info : at('missing config.c_info');
    const bInfo = isObject(config.b_info) ? config.b_info : {};
    const num = (obj: JsonObject, key: string, path: string): number | undefined => {
      const value = obj[key];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) return at(`${path}.${key} is not a number`);
      return value;
    };
    const str = (obj: JsonObject, key: string, path: string): string | undefined => {
      const value = obj[key];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') return at(`${path}.${key} is not a string`);
      return value;
    };
    const domid = num(item, 'domid', '') ?? at('missing domid');
    const name = str(cInfo, 'name', 'c_info') ?? at('missing config.c_info.name');
    const avail = bInfo.avail_vcpus;
    const availVcpus = Array.isArray(avail) ? avail.map((v) => (typeof v === 'number' ? v : at('b_info.avail_vcpus holds a non-number'))) : undefined;
    const sched = isObject(bInfo.sched_params) ? bInfo.sched_params : undefined;
    // libxl prints the keyed union as "type.pv"; older simulators and some tools nest it as type.pv.
    const typed = [bInfo['type.pv'], bInfo['type.pvh'], isObject(bInfo.type) ? bInfo.type.pv : undefined].find(isObject) ?? {};
    const list = (key: string): JsonObject[] => {
      const value = config[key];
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) return at(`config.${key} is not a list`);
      return value.map((v) => (isObject(v) ? v : at(`config.${key} holds a non-object`)));
    };
    return {
      domid,
      name,
      type: str(cInfo, 'type', 'c_info'),
      uuid: str(cInfo, 'uuid', 'c_info'),
      maxMemKiB: num(bInfo, 'max_memkb', 'b_info'),
      targetMemKiB: num(bInfo, 'target_memkb', 'b_info'),
      maxVcpus: num(bInfo, 'max_vcpus', 'b_info'),
      availVcpus,
      sched: sched && { scheduler: str(sched, 'sched', 'sched_params'), weight: num(sched, 'weight', 'sched_params'), cap: num(sched, 'cap', 'sched_params') },
      kernel: str(bInfo, 'kernel', 'b_info') ?? str(typed, 'kernel', 'b_info.type'),
      ramdisk: str(bInfo, 'ramdisk', 'b_info') ?? str(typed, 'ramdisk', 'b_info.type'),
      cmdline: str(bInfo, 'cmdline', 'b_info') ?? str(typed, 'cmdline', 'b_info.type'),
      bootloader: str(bInfo, 'bootloader', 'b_info') ?? str(typed, 'bootloader', 'b_info.type'),
      disks: list('disks').map((d) => ({
        pdevPath: str(d, 'pdev_path', 'disks[]'),
        vdev: str(d, 'vdev', 'disks[]'),
        backend: str(d, 'backend', 'disks[]'),
        format: str(d, 'format', 'disks[]'),
        readWrite: (num(d, 'readwrite', 'disks[]') ?? 0) !== 0,
      })),
      nics: list('nics').map((n) => ({
        devid: num(n, 'devid', 'nics[]'),
        mac: str(n, 'mac', 'nics[]'),
        bridge: str(n, 'bridge', 'nics[]'),
        rateBytesPerInterval: num(n, 'rate_bytes_per_interval', 'nics[]'),
        rateIntervalUsecs: num(n, 'rate_interval_usecs', 'nics[]'),
      })),
    };
  });
}
