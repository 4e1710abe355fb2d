import { validateLvName, validatePositiveInteger, validateVgName } from '../shell/argument-validators';
import { LvEntry, parseLvs, parseVgs, VgSpace } from '../parsers/lvm.parser';
import { buildCommand } from './build-command';
import { asVerb, Dom0Command, Dom0Query, queryAsVerb } from './dom0-command';

export interface LvRef {
  readonly vg: string;
  readonly lv: string;
}

export function vgSpaceQuery(vg: string): Dom0Query<VgSpace> {
  const name = validateVgName(vg, 'vg');
  return queryAsVerb('vg.space', { vg }, {
    command: buildCommand(['vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_size,vg_free', name], `read size and free space of volume group ${name}`),
    parse: parseVgs,
  });
}

export function lvListQuery(vg: string): Dom0Query<LvEntry[]> {
  const name = validateVgName(vg, 'vg');
  return queryAsVerb('lv.list', { vg }, {
    command: buildCommand(['lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_size', name], `list logical volumes of ${name}`),
    parse: parseLvs,
  });
}

export interface LvCreateOptions extends LvRef {
  readonly sizeGiB: number;
  /**
   * Add `-W y -y`: wipe old filesystem signatures without asking. Without a tty
   * lvcreate answers its "Wipe it? [y/n]" prompt with n and fails when a new LV
   * lands on extents that held a filesystem (a removed customer's disk). Off by
   * default so the line is the plain form of xen-reference.md.
   */
  readonly wipeSignatures?: boolean;
}

export function lvCreateCommand(options: LvCreateOptions): Dom0Command {
  const vg = validateVgName(options.vg, 'vg');
  const lv = validateLvName(options.lv, 'lv');
  const size = validatePositiveInteger(options.sizeGiB, 'sizeGiB');
  const wipe = options.wipeSignatures ? ['-W', 'y', '-y'] : [];
  return asVerb('lv.create', { ...options }, buildCommand(['lvcreate', ...wipe, '-n', lv, '-L', `${size}G`, vg], `create logical volume ${vg}/${lv} of ${size} GiB`));
}

/** Grow by `growByGiB` (`-L +NG`) or to `sizeGiB` (`-L NG`); lvextend refuses to shrink. */
export type LvExtendOptions = LvRef & ({ readonly growByGiB: number } | { readonly sizeGiB: number });

export function lvExtendCommand(options: LvExtendOptions): Dom0Command {
  const vg = validateVgName(options.vg, 'vg');
  const lv = validateLvName(options.lv, 'lv');
  if ('growByGiB' in options) {
    const by = validatePositiveInteger(options.growByGiB, 'growByGiB');
    return asVerb('lv.extend', { ...options }, buildCommand(['lvextend', '-L', `+${by}G`, `${vg}/${lv}`], `grow logical volume ${vg}/${lv} by ${by} GiB`));
  }
  const size = validatePositiveInteger(options.sizeGiB, 'sizeGiB');
  return asVerb('lv.extend', { ...options }, buildCommand(['lvextend', '-L', `${size}G`, `${vg}/${lv}`], `grow logical volume ${vg}/${lv} to ${size} GiB`));
}

export function lvRemoveCommand(ref: LvRef): Dom0Command {
  const vg = validateVgName(ref.vg, 'vg');
  const lv = validateLvName(ref.lv, 'lv');
  // The agent's lv.remove first releases a stale work mount of carve's on it (a worker died mid image install).
  return asVerb('lv.remove', { vg: ref.vg, lv: ref.lv }, buildCommand(['lvremove', '-f', `${vg}/${lv}`], `remove logical volume ${vg}/${lv}`));
}

/** The device node of an LV, as written in disk specs. */
export function lvDevicePath(ref: LvRef): string {
  return `/dev/${validateVgName(ref.vg, 'vg')}/${validateLvName(ref.lv, 'lv')}`;
}
