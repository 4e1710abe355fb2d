import { fail, ok, type CommandResult } from '../command-result';
import type { CommandInput } from '../sim-runtime';
import { lvInUse } from '../state/domain-lifecycle';
import { DM_MAJOR, lowestFreeMinor, pvDevicePath } from '../state/block-devices';
import type { SimHostState, SimLogicalVolume } from '../state/host-state';
import { mapperPath } from '../state/vfs';
import { newVolumeContent } from '../state/volume-content';

const LVM_FAIL = 5;
const UNIT: Record<string, number> = { b: 1, s: 512, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** An lvm size argument; no unit means MiB. Returns bytes, or undefined. */
export function parseLvmSize(text: string): { bytes: number; relative: boolean } | undefined {
  const m = /^(\+?)(\d+(?:\.\d+)?)([bBsSkKmMgGtTpP]?)$/.exec(text);
  if (!m) return undefined;
  return { bytes: Math.round(Number(m[2]) * UNIT[(m[3] || 'm').toLowerCase()]), relative: m[1] === '+' };
}

const vgNotFound = (name: string): CommandResult => fail(`  Volume group "${name}" not found\n  Cannot process volume group ${name}\n`, LVM_FAIL);
const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/** Split `--opt value`, `-o value`, `-ovalue` and positionals; flags listed in `valued` take a value. */
function getopt(args: string[], valued: Set<string>): { opts: Map<string, string>; positional: string[] } {
  const opts = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    if (a.startsWith('--')) {
      const [k, v] = a.split('=', 2);
      opts.set(k, v ?? (valued.has(k) ? (args[++i] ?? '') : ''));
    } else if (a.startsWith('-') && a.length > 1) {
      const k = a.slice(0, 2);
      opts.set(k, valued.has(k) ? a.slice(2) || (args[++i] ?? '') : a.slice(2));
    } else positional.push(a);
  }
  return { opts, positional };
}

/** `VG/NAME` or `/dev/VG/NAME` */
function findLv(state: SimHostState, ref: string): SimLogicalVolume | 'no-vg' | undefined {
  const m = /^(?:\/dev\/)?([^/]+)\/([^/]+)$/.exec(ref);
  if (!m) return undefined;
  if (m[1] !== state.vg.name) return 'no-vg';
  return state.vg.lvs.find((lv) => lv.name === m[2]);
}

function freeBytes(state: SimHostState): number {
  return state.vg.sizeBytes - state.vg.lvs.reduce((s, lv) => s + lv.sizeBytes, 0);
}

const extents = (state: SimHostState, bytes: number): number => Math.ceil(bytes / state.vg.extentBytes);

/** A report cell: numbers are right-aligned when columns are aligned. */
type Cell = string | number;

interface ReportOptions {
  headings: boolean;
  /** `--separator`: columns joined by it and not padded, unless `--aligned`. */
  separator: string | undefined;
  aligned: boolean;
}

function reportOptions(opts: Map<string, string>): ReportOptions {
  return { headings: !opts.has('--noheadings'), separator: opts.get('--separator'), aligned: opts.has('--aligned') };
}

/**
 * Rows like lvm's report (libdm-report): every line behind lvm's two-space
 * message prefix; aligned columns (the default, widths from the data and the
 * heading, numbers right-aligned, headings left) joined by a space, or with
 * `--separator` the bare values joined by it.
 */
function report(headings: string[], rows: Cell[][], options: ReportOptions): string {
  const lines: Cell[][] = options.headings ? [headings, ...rows] : rows;
  if (options.separator !== undefined && !options.aligned) return lines.map((r) => `  ${r.join(options.separator)}\n`).join('');
  const widths = headings.map((_, c) => Math.max(...lines.map((r) => String(r[c]).length)));
  const pad = (v: Cell, c: number): string => (typeof v === 'number' ? String(v).padStart(widths[c]) : v.padEnd(widths[c]));
  return lines.map((r) => `  ${r.map(pad).join(options.separator ?? ' ')}\n`).join('');
}

/** `-o` fields against the ones a report knows: cells in that order, or lvm's complaint. */
function selectFields(fields: string[], known: Record<string, string>): CommandResult | string[] {
  const unknown = fields.find((f) => !Object.hasOwn(known, f));
  if (unknown) return fail(`  Unrecognised field: ${unknown}\n`, 3);
  return fields.map((f) => known[f]);
}

function sizeCell(bytes: number, units: string, nosuffix: boolean): string | number {
  if (units === 'b') return nosuffix ? bytes : `${bytes}B`;
  const u = (units || 'm').toLowerCase();
  const value = (bytes / (UNIT[u] ?? UNIT.m)).toFixed(2);
  return nosuffix ? value : `${value}${u}`;
}

const REPORT_VALUED = ['-o', '--options', '--units', '--separator'];

const VGS_HEADINGS: Record<string, string> = {
  vg_name: 'VG', pv_count: '#PV', lv_count: '#LV', vg_attr: 'Attr', vg_size: 'VSize', vg_free: 'VFree',
  vg_extent_size: 'Ext', vg_extent_count: '#Ext', vg_free_count: 'Free',
};

export function vgs(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const { opts, positional } = getopt(input.args, new Set(REPORT_VALUED));
  if (positional.length > 0 && positional[0] !== state.vg.name) return vgNotFound(positional[0]);
  const fields = (opts.get('-o') ?? opts.get('--options') ?? 'vg_name,pv_count,lv_count,vg_attr,vg_size,vg_free').split(',');
  const headings = selectFields(fields, VGS_HEADINGS);
  if (!Array.isArray(headings)) return headings;
  const units = opts.get('--units') ?? 'm';
  const nosuffix = opts.has('--nosuffix');
  const free = freeBytes(state);
  const cells: Record<string, Cell> = {
    vg_name: state.vg.name,
    vg_size: sizeCell(state.vg.sizeBytes, units, nosuffix),
    vg_free: sizeCell(free, units, nosuffix),
    pv_count: 1,
    lv_count: state.vg.lvs.length,
    vg_attr: 'wz--n-',
    vg_extent_size: sizeCell(state.vg.extentBytes, units, nosuffix),
    vg_extent_count: extents(state, state.vg.sizeBytes),
    vg_free_count: Math.floor(free / state.vg.extentBytes),
  };
  return ok(report(headings, [fields.map((f) => cells[f])], reportOptions(opts)));
}

const LVS_HEADINGS: Record<string, string> = {
  lv_name: 'LV', vg_name: 'VG', lv_attr: 'Attr', lv_size: 'LSize', lv_path: 'Path', lv_dm_path: 'DMPath',
  lv_kernel_major: 'KMaj', lv_kernel_minor: 'KMin', lv_active: 'Active',
};

export function lvs(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const { opts, positional } = getopt(input.args, new Set(REPORT_VALUED));
  if (positional.length > 0 && positional[0] !== state.vg.name) return vgNotFound(positional[0]);
  const fields = (opts.get('-o') ?? opts.get('--options') ?? 'lv_name,vg_name,lv_attr,lv_size').split(',');
  const headings = selectFields(fields, LVS_HEADINGS);
  if (!Array.isArray(headings)) return headings;
  const units = opts.get('--units') ?? 'm';
  const nosuffix = opts.has('--nosuffix');
  const rows = [...state.vg.lvs]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((lv) => {
      const open = lvInUse(state, [`/dev/${state.vg.name}/${lv.name}`, mapperPath(state, lv)]) || state.mounts.some((m) => m.lv === lv.name);
      const active = lv.kernelMinor !== undefined;
      const cells: Record<string, Cell> = {
        lv_name: lv.name,
        vg_name: state.vg.name,
        lv_size: sizeCell(lv.sizeBytes, units, nosuffix),
        lv_attr: `-wi-${active ? 'a' : '-'}${open ? 'o' : '-'}----`,
        lv_path: `/dev/${state.vg.name}/${lv.name}`,
        lv_dm_path: mapperPath(state, lv),
        lv_kernel_major: active ? DM_MAJOR : -1,
        lv_kernel_minor: lv.kernelMinor ?? -1,
        lv_active: active ? 'active' : '',
      };
      return fields.map((f) => cells[f]);
    });
  // No LV, no report: lvs prints nothing at all, headings included.
  return ok(rows.length > 0 ? report(headings, rows, reportOptions(opts)) : '');
}

const PVS_HEADINGS: Record<string, string> = { pv_name: 'PV', vg_name: 'VG', pv_fmt: 'Fmt', pv_attr: 'Attr', pv_size: 'PSize', pv_free: 'PFree', dev_size: 'DevSize' };

/** The volume group's one PV, on the host's RAID array. */
export function pvs(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const { opts, positional } = getopt(input.args, new Set(REPORT_VALUED));
  const pv = pvDevicePath(state);
  const missing = positional.find((p) => p !== pv);
  if (missing !== undefined) return fail(`  Failed to find physical volume "${missing}".\n`, LVM_FAIL);
  const fields = (opts.get('-o') ?? opts.get('--options') ?? 'pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free').split(',');
  const headings = selectFields(fields, PVS_HEADINGS);
  if (!Array.isArray(headings)) return headings;
  const units = opts.get('--units') ?? 'm';
  const nosuffix = opts.has('--nosuffix');
  // The PV is the VG plus LVM's 1 MiB label and metadata area.
  const cells: Record<string, Cell> = {
    pv_name: pv,
    vg_name: state.vg.name,
    pv_fmt: 'lvm2',
    pv_attr: 'a--',
    pv_size: sizeCell(state.vg.sizeBytes, units, nosuffix),
    pv_free: sizeCell(freeBytes(state), units, nosuffix),
    dev_size: sizeCell(state.vg.sizeBytes + 1024 ** 2, units, nosuffix),
  };
  return ok(report(headings, [fields.map((f) => cells[f])], reportOptions(opts)));
}

export function lvcreate(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const { opts, positional } = getopt(input.args, new Set(['-n', '--name', '-L', '--size', '-W', '--wipesignatures', '-Z', '--zero']));
  const name = opts.get('-n') ?? opts.get('--name');
  const sizeText = opts.get('-L') ?? opts.get('--size');
  const vgName = positional[0];
  if (vgName === undefined) return fail('  Please specify a volume group to use.\n  Run `lvcreate --help\' for more information.\n', 3);
  if (sizeText === undefined) return fail('  Please specify either size or extents.\n  Run `lvcreate --help\' for more information.\n', 3);
  const size = parseLvmSize(sizeText);
  if (!size || size.relative || size.bytes <= 0) return fail(`  Invalid argument for --size: ${sizeText}\n  Error during parsing of command line.\n`, 3);
  if (vgName !== state.vg.name) return vgNotFound(vgName);
  if (name === undefined || !/^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/.test(name)) return fail(`  Logical volume name "${name ?? ''}" is invalid.\n  Run \`lvcreate --help' for more information.\n`, 3);
  if (state.vg.lvs.some((lv) => lv.name === name)) return fail(`  Logical volume "${name}" already exists in volume group "${state.vg.name}"\n`, LVM_FAIL);
  const need = extents(state, size.bytes);
  const freeExtents = Math.floor(freeBytes(state) / state.vg.extentBytes);
  if (need > freeExtents) return fail(`  Volume group "${state.vg.name}" has insufficient free space (${freeExtents} extents): ${need} required.\n`, LVM_FAIL);
  let stdout = '';
  if (need * state.vg.extentBytes !== size.bytes) stdout += `  Rounding up size to full physical extent ${gib(need * state.vg.extentBytes)}\n`;
  // Activated at once: device-mapper gives it the lowest free minor.
  state.vg.lvs.push({ name, sizeBytes: need * state.vg.extentBytes, kernelMinor: lowestFreeMinor(state), content: newVolumeContent() });
  return ok(`${stdout}  Logical volume "${name}" created.\n`);
}

export function lvextend(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const { opts, positional } = getopt(input.args, new Set(['-L', '--size']));
  const sizeText = opts.get('-L') ?? opts.get('--size');
  const ref = positional[0];
  if (sizeText === undefined || ref === undefined) return fail('  Please specify either size or extents but not both.\n  Run `lvextend --help\' for more information.\n', 3);
  const size = parseLvmSize(sizeText);
  if (!size) return fail(`  Invalid argument for --size: ${sizeText}\n  Error during parsing of command line.\n`, 3);
  const lv = findLv(state, ref);
  if (lv === 'no-vg') return vgNotFound(ref.replace(/^\/dev\//, '').split('/')[0]);
  if (!lv) return fail(`  Failed to find logical volume "${ref.replace(/^\/dev\//, '')}"\n`, LVM_FAIL);
  const current = extents(state, lv.sizeBytes);
  const wanted = extents(state, size.relative ? lv.sizeBytes + size.bytes : size.bytes);
  const full = `${state.vg.name}/${lv.name}`;
  if (wanted === current) return fail(`  New size (${wanted} extents) matches existing size (${current} extents).\n`, LVM_FAIL);
  if (wanted < current) return fail(`  New size given (${wanted} extents) not larger than existing size (${current} extents)\n`, LVM_FAIL);
  const freeExtents = Math.floor(freeBytes(state) / state.vg.extentBytes);
  if (wanted - current > freeExtents) return fail(`  Insufficient free space: ${wanted - current} extents needed, but only ${freeExtents} available\n`, LVM_FAIL);
  const before = lv.sizeBytes;
  lv.sizeBytes = wanted * state.vg.extentBytes;
  return ok(`  Size of logical volume ${full} changed from ${gib(before)} (${current} extents) to ${gib(lv.sizeBytes)} (${wanted} extents).\n  Logical volume ${full} successfully resized.\n`);
}

export function lvremove(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const { opts, positional } = getopt(input.args, new Set());
  const ref = positional[0];
  if (ref === undefined) return fail('  Please enter one or more logical volume paths.\n  Run `lvremove --help\' for more information.\n', 3);
  const lv = findLv(state, ref);
  if (lv === 'no-vg') return vgNotFound(ref.replace(/^\/dev\//, '').split('/')[0]);
  if (!lv) return fail(`  Failed to find logical volume "${ref.replace(/^\/dev\//, '')}"\n`, LVM_FAIL);
  const busy = lvInUse(state, [`/dev/${state.vg.name}/${lv.name}`, mapperPath(state, lv)]) || state.mounts.some((m) => m.lv === lv.name);
  if (busy) return fail(`  Logical volume ${state.vg.name}/${lv.name} in use.\n`, LVM_FAIL);
  if (!opts.has('-f') && !opts.has('--force') && !opts.has('-y') && !opts.has('--yes')) {
    // Without -f lvremove asks on the terminal; with no answer on stdin it gives up.
    return fail(`Do you really want to remove active logical volume ${state.vg.name}/${lv.name}? [y/n]: [n]\n  Logical volume ${lv.name} not removed.\n`, LVM_FAIL);
  }
  state.vg.lvs = state.vg.lvs.filter((x) => x !== lv);
  return ok(`  Logical volume "${lv.name}" successfully removed.\n`);
}
