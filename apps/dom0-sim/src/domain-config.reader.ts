import { parseDiskSpec as parseCarveDiskSpec, parseDomainConfig, XenParseError, type DomainSpec } from '@carve/xen';

/**
 * The simulator reads xl.cfg with carve's own reader (`parseDomainConfig` from
 * @carve/xen), so what carve writes and what the simulated xl accepts cannot
 * drift apart. This file only maps the DomainSpec onto the simulator's domain
 * shape. Configs carve never writes (hvm, a bootloader other than pygrub, no
 * disk, maxmem below memory) are refused as a config parsing error naming the line.
 */
export interface SimDomainConfig {
  name: string;
  type: 'pv' | 'pvh' | 'hvm';
  memoryMiB: number;
  maxMemMiB: number;
  vcpus: number;
  maxVcpus: number;
  cpuWeight: number;
  capPercent: number;
  bootloader?: string;
  kernel?: string;
  ramdisk?: string;
  cmdline?: string;
  disks: { target: string; vdev: string; access: 'r' | 'w' }[];
  vifs: { mac: string; bridge: string; rateMbitPerSec?: number }[];
  onPoweroff: string;
  onReboot: string;
  onCrash: string;
}

export type ConfigRead = { ok: true; config: SimDomainConfig } | { ok: false; line: number; reason: string };

function toSimConfig(spec: DomainSpec): SimDomainConfig {
  const boot =
    'bootloader' in spec.boot
      ? { bootloader: spec.boot.bootloader }
      : {
          kernel: spec.boot.kernel,
          ...(spec.boot.ramdisk !== undefined ? { ramdisk: spec.boot.ramdisk } : {}),
          ...(spec.boot.cmdline !== undefined ? { cmdline: spec.boot.cmdline } : {}),
        };
  return {
    name: spec.name,
    type: spec.type,
    memoryMiB: spec.memoryMiB,
    maxMemMiB: spec.maxMemoryMiB,
    vcpus: spec.vcpus,
    maxVcpus: spec.maxVcpus,
    cpuWeight: spec.cpuWeight,
    capPercent: spec.capPercent,
    ...boot,
    disks: spec.disks.map((d) => ({ target: d.target, vdev: d.vdev, access: d.access })),
    vifs: spec.vifs.map((v) => ({ mac: v.mac, bridge: v.bridge, ...(v.rateMbitPerSec !== undefined ? { rateMbitPerSec: v.rateMbitPerSec } : {}) })),
    onPoweroff: spec.onPoweroff,
    onReboot: spec.onReboot,
    onCrash: spec.onCrash,
  };
}

export function readDomainConfig(text: string): ConfigRead {
  try {
    return { ok: true, config: toSimConfig(parseDomainConfig(text)) };
  } catch (error) {
    if (error instanceof XenParseError) return { ok: false, line: error.lineNumber, reason: error.reason };
    throw error;
  }
}

/** A disk spec as `xl block-attach` takes it (`phy:/dev/vg0/x,xvdb,w`, or the key=value form); undefined when unreadable. */
export function parseDiskSpec(text: string): { target: string; vdev: string; access: 'r' | 'w' } | undefined {
  const refuse = (reason: string): never => {
    throw new XenParseError('disk spec', 1, text, reason);
  };
  try {
    const disk = parseCarveDiskSpec(text, refuse);
    return { target: disk.target, vdev: disk.vdev, access: disk.access };
  } catch (error) {
    if (error instanceof XenParseError) return undefined;
    throw error;
  }
}
