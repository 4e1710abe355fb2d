import { failer, outputLines, toSafeInteger } from './output-lines';

export interface VgSpace {
  readonly sizeBytes: number;
  readonly freeBytes: number;
}

export interface LvEntry {
  readonly name: string;
  readonly sizeBytes: number;
}

/** `vgs --noheadings --units b --nosuffix -o vg_size,vg_free VG`: one line, two byte counts. */
export function parseVgs(stdout: string): VgSpace {
  const fail = failer('vgs');
  const lines = outputLines(stdout);
  if (lines.length !== 1) return fail(lines[1] ?? lines[0], `expected one line for one volume group, got ${lines.length}`);
  const at = (reason: string): never => fail(lines[0], reason);
  const m = /^(\d+)\s+(\d+)$/.exec(lines[0].text.trim()) ?? at('expected VG_SIZE VG_FREE in bytes');
  const sizeBytes = toSafeInteger(m[1], at, 'vg_size');
  const freeBytes = toSafeInteger(m[2], at, 'vg_free');
  if (freeBytes > sizeBytes) at('vg_free is larger than vg_size');
  return { sizeBytes, freeBytes };
}

/** `lvs --noheadings --units b --nosuffix -o lv_name,lv_size VG`: one line per LV, none for an empty VG. */
export function parseLvs(stdout: string): LvEntry[] {
  const fail = failer('lvs');
  return outputLines(stdout).map((line) => {
    const at = (reason: string): never => fail(line, reason);
    const m = /^(\S+)\s+(\d+)$/.exec(line.text.trim()) ?? at('expected LV_NAME LV_SIZE in bytes');
    return { name: m[1], sizeBytes: toSafeInteger(m[2], at, 'lv_size') };
  });
}
