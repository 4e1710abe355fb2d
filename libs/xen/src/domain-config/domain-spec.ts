import type { Vdev } from '../shell/argument-validators';

export type DomainType = 'pv' | 'pvh';
export type DomainAction = 'destroy' | 'restart' | 'rename-restart' | 'preserve' | 'coredump-destroy' | 'coredump-restart' | 'soft-reset';
export const DOMAIN_ACTIONS: readonly DomainAction[] = ['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart', 'soft-reset'];

export interface PygrubBoot {
  readonly bootloader: 'pygrub';
}

/**
 * Xen copies a PV guest's command line into start_info.cmd_line[MAX_GUEST_CMDLINE = 1024],
 * NUL included, and cuts anything longer without a word: carve refuses it instead.
 */
export const MAX_GUEST_CMDLINE_BYTES = 1023;

/** Direct kernel boot (`kernel=`, `ramdisk=`, `cmdline=`, which xl prefers to the older `extra=`/`root=`); switching root disks is then `root=` in cmdline. */
export interface KernelBoot {
  readonly kernel: string;
  readonly ramdisk?: string;
  readonly cmdline?: string;
}

export interface DiskSpec {
  /** Block device on the Dom0, e.g. `/dev/vg0/web1-root`. */
  readonly target: string;
  readonly vdev: Vdev;
  readonly access: 'w' | 'r';
}

export interface VifSpec {
  readonly mac: string;
  readonly bridge: string;
  /** Limit on the guest's OUTGOING traffic; absent = unlimited. */
  readonly rateMbitPerSec?: number;
}

/** A PV/PVH DomU on LVM, as carve writes it to /etc/xen/<name>.cfg. */
export interface DomainSpec {
  readonly name: string;
  readonly type: DomainType;
  readonly memoryMiB: number;
  readonly maxMemoryMiB: number;
  readonly vcpus: number;
  readonly maxVcpus: number;
  /** Credit2 weight, 1..65535 (xl default 256). */
  readonly cpuWeight: number;
  /** % of one pCPU, 0 = no cap. */
  readonly capPercent: number;
  readonly boot: PygrubBoot | KernelBoot;
  /** Boot order: pygrub reads the first disk. */
  readonly disks: readonly DiskSpec[];
  readonly vifs: readonly VifSpec[];
  readonly onPoweroff: DomainAction;
  readonly onReboot: DomainAction;
  readonly onCrash: DomainAction;
}

export function isPygrubBoot(boot: PygrubBoot | KernelBoot): boot is PygrubBoot {
  return 'bootloader' in boot;
}
