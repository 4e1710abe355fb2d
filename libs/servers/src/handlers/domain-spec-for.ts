import { createHash } from 'node:crypto';
import type { DiskSpec, DomainSpec, Vdev } from '@carve/xen';
import type { ServerDisk } from '../server-disk.entity';
import type { Server } from '../server.entity';
import { vdevFor } from '../server-naming';

/** Xen's own OUI: every MAC carve hands out starts with it. */
const XEN_OUI = '00:16:3e';
export const DEFAULT_BRIDGE = 'xenbr0';

/**
 * The server's MAC, the same on every write of its config (a changing MAC would give the
 * guest a new interface name and a new DHCP lease). The top bit of the fourth octet is
 * cleared: Xen tools treat 00:16:3e:80:00:00 and above as their own random range.
 */
export function macFor(serverId: string): string {
  const bytes = createHash('sha256').update(serverId).digest();
  const octets = [bytes[0]! & 0x7f, bytes[1]!, bytes[2]!].map((b) => b.toString(16).padStart(2, '0'));
  return `${XEN_OUI}:${octets.join(':')}`;
}

/** The disks that belong in the domain config: built ones (present, or still there while a removal waits) plus those the job is building. */
export function configDisks(disks: readonly ServerDisk[], options: { including?: readonly string[]; excluding?: readonly string[] } = {}): ServerDisk[] {
  const including = new Set(options.including ?? []);
  const excluding = new Set(options.excluding ?? []);
  return disks
    .filter((d) => !excluding.has(d.id))
    .filter((d) => d.state === 'present' || d.state === 'removing' || (d.state === 'pending' && including.has(d.id)))
    .sort((a, b) => a.position - b.position);
}

/**
 * What carve writes to /etc/xen/<domainName>.cfg for a server: PVH booted by pygrub from
 * the first disk (xvda, the active root), every disk at the vdev of its position, one
 * vif on the host bridge, with the server's CPU and network limits. Pass the disks already chosen with configDisks.
 */
export function domainSpecFor(server: Server, disks: readonly ServerDisk[], volumeGroup: string): DomainSpec {
  const diskSpecs: DiskSpec[] = [...disks]
    .sort((a, b) => a.position - b.position)
    .map((d) => ({ target: `/dev/${volumeGroup}/${d.volumeName}`, vdev: vdevFor(d.position) as Vdev, access: 'w' }));
  return {
    name: server.domainName,
    type: 'pvh',
    memoryMiB: server.memoryMiB,
    maxMemoryMiB: Math.max(server.maxMemoryMiB, server.memoryMiB),
    vcpus: server.vcpus,
    maxVcpus: Math.max(server.maxVcpus, server.vcpus),
    cpuWeight: server.cpuWeight,
    capPercent: server.cpuCapPercent,
    boot: { bootloader: 'pygrub' },
    disks: diskSpecs,
    vifs: [{ mac: macFor(server.id), bridge: DEFAULT_BRIDGE, ...(server.networkRateMbit !== null ? { rateMbitPerSec: server.networkRateMbit } : {}) }],
    onPoweroff: 'destroy',
    onReboot: 'restart',
    onCrash: 'restart',
  };
}
