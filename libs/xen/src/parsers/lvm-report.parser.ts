import { failer, outputLines, toSafeInteger } from './output-lines';

export interface LvKernelMinor {
  readonly name: string;
  /** The device-mapper minor: the LV is `/sys/class/block/dm-<minor>`. Null when the LV is inactive (lvs prints -1). */
  readonly kernelMinor: number | null;
}

export interface PvVolumeGroup {
  /** As pvs prints it, e.g. `/dev/sda3`. */
  readonly pvName: string;
  /** Null for a PV in no volume group. */
  readonly vgName: string | null;
}

/** `lvs --noheadings --separator '|' -o lv_name,lv_kernel_minor VG`: `  name|minor` rows, none for an empty VG. */
export function parseLvKernelMinors(stdout: string): LvKernelMinor[] {
  const fail = failer('lvs');
  const seen = new Set<string>();
  return outputLines(stdout).map((line) => {
    const at = (reason: string): never => fail(line, reason);
    const m = /^([^|\s]+)\|(-1|\d+)$/.exec(line.text.trim()) ?? at('expected LV_NAME|LV_KERNEL_MINOR');
    if (seen.has(m[1])) at(`${m[1]} is listed twice`);
    seen.add(m[1]);
    return { name: m[1], kernelMinor: m[2] === '-1' ? null : toSafeInteger(m[2], at, 'lv_kernel_minor') };
  });
}

/** `pvs --noheadings --separator '|' -o pv_name,vg_name`: `  /dev/sda3|vg0` rows; an orphan PV has an empty VG. */
export function parsePvVolumeGroups(stdout: string): PvVolumeGroup[] {
  const fail = failer('pvs');
  const seen = new Set<string>();
  return outputLines(stdout).map((line) => {
    const at = (reason: string): never => fail(line, reason);
    const m = /^([^|\s]+)\|([^|\s]*)$/.exec(line.text.trim()) ?? at('expected PV_NAME|VG_NAME');
    if (seen.has(m[1])) at(`${m[1]} is listed twice`);
    seen.add(m[1]);
    return { pvName: m[1], vgName: m[2] === '' ? null : m[2] };
  });
}
