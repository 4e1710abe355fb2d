/**
 * What a whole block device is: a disk (sda, nvme0n1, vdb), a Linux md RAID
 * array (md2), or a device-mapper device (dm-4: LVM, dm-crypt, multipath),
 * whose physical disks lie below it and are not visible from its name.
 */
export type BlockDeviceKind = 'disk' | 'md' | 'dm';

/**
 * The whole device a partition belongs to, by the kernel's naming (a disk
 * whose name ends in a digit gets `p<N>` partitions): sda3 -> sda, xvda1 ->
 * xvda, nvme0n1p3 -> nvme0n1, mmcblk0p1 -> mmcblk0, md127p1 -> md127. Null for
 * a whole device: sda, nvme0n1, md2, dm-4, loop0.
 */
export function partitionParent(device: string): string | null {
  const numbered = /^(.*\d)p\d+$/.exec(device);
  if (numbered) return numbered[1];
  const lettered = /^((?:s|v|xv|h)d[a-z]+)\d+$/.exec(device);
  return lettered ? lettered[1] : null;
}

export function blockDeviceKind(device: string): BlockDeviceKind {
  if (/^md\d+$/.test(device)) return 'md';
  if (/^dm-\d+$/.test(device)) return 'dm';
  return 'disk';
}
