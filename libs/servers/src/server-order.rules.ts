import { FieldProblem, InvalidInputError } from '@carve/core';
import type { DiskRole, Filesystem } from './server-disk.entity';

export interface DiskRequest {
  label: string;
  sizeGiB: number;
  filesystem: Filesystem;
  role: DiskRole;
  inodes?: number;
  bytesPerInode?: number;
}

export const MAX_DISKS = 8;

/** Checks one disk on its own: rules that span a disk's fields. */
export function diskProblems(disk: DiskRequest, field: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const inodeFs = disk.filesystem === 'ext3' || disk.filesystem === 'ext4';
  if (disk.inodes !== undefined && !inodeFs) {
    problems.push({ field: `${field}.inodes`, message: `applies to ext3 and ext4 only; ${disk.filesystem} ${disk.filesystem === 'swap' ? 'has no inodes' : 'allocates inodes dynamically'}` });
  }
  if (disk.bytesPerInode !== undefined && !inodeFs) {
    problems.push({ field: `${field}.bytesPerInode`, message: `applies to ext3 and ext4 only, not ${disk.filesystem}` });
  }
  if (disk.inodes !== undefined && disk.bytesPerInode !== undefined) {
    problems.push({ field: `${field}.bytesPerInode`, message: 'give either inodes or bytesPerInode, not both' });
  }
  if ((disk.role === 'swap') !== (disk.filesystem === 'swap')) {
    problems.push({ field: `${field}.role`, message: 'a swap disk has role swap and filesystem swap; other roles need a real filesystem' });
  }
  return problems;
}

/** Rules over a whole order's disk list: labels unique, one active root and at most one standby root. */
export function checkOrderDisks(disks: DiskRequest[]): void {
  const problems: FieldProblem[] = disks.flatMap((d, i) => diskProblems(d, `disks.${i}`));
  const roots = disks.filter((d) => d.role === 'root').length;
  if (roots === 0) problems.push({ field: 'disks', message: 'needs one disk with role root' });
  if (roots > 2) problems.push({ field: 'disks', message: 'allows at most two roots (the second is the standby root)' });
  if (disks.length > MAX_DISKS) problems.push({ field: 'disks', message: `allows at most ${MAX_DISKS} disks` });
  const seen = new Set<string>();
  disks.forEach((d, i) => {
    if (seen.has(d.label.toLowerCase())) problems.push({ field: `disks.${i}.label`, message: `"${d.label}" is used by another disk` });
    seen.add(d.label.toLowerCase());
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
}

/** Boot order on the Dom0: active root first (xvda: pygrub boots the first disk), standby root, then the rest as given. */
export function inBootOrder<T extends { role: DiskRole }>(disks: T[]): T[] {
  const roots = disks.filter((d) => d.role === 'root');
  return [...roots, ...disks.filter((d) => d.role !== 'root')];
}
