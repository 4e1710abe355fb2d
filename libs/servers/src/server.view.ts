import type { ServerDisk } from './server-disk.entity';
import type { Server } from './server.entity';

export interface ServerDiskView {
  id: string;
  label: string;
  role: string;
  filesystem: string;
  sizeGiB: number;
  inodes: number | null;
  bytesPerInode: number | null;
  device: string;
  volumeName: string;
  state: string;
  /** For roots: whether this is the root the server boots from (at its next boot, if a switch is pending). */
  activeRoot: boolean;
}

export interface ServerLimitsView {
  /** Credit2 cap, % of one CPU; 0 = no cap. */
  cpuCapPercent: number;
  /** Credit2 weight (256 = xl's default). */
  cpuWeight: number;
  /** vif rate on outgoing traffic; null = unlimited. */
  networkRateMbit: number | null;
}

export interface ServerView {
  id: string;
  customerId: string;
  poolId: string;
  hostId: string;
  imageId: string;
  name: string;
  domainName: string;
  state: string;
  memoryMiB: number;
  maxMemoryMiB: number;
  vcpus: number;
  maxVcpus: number;
  pendingReboot: boolean;
  limits: ServerLimitsView;
  failureReason: string | null;
  /** The authorised keys as stored: parsed and normalised, unsafe comments dropped. */
  sshKeys: string[];
  disks: ServerDiskView[];
  createdAt: Date;
  updatedAt: Date;
}

export function toServerView(server: Server, disks: ServerDisk[]): ServerView {
  return {
    id: server.id,
    customerId: server.customerId,
    poolId: server.poolId,
    hostId: server.hostId,
    imageId: server.imageId,
    name: server.name,
    domainName: server.domainName,
    state: server.state,
    memoryMiB: server.memoryMiB,
    maxMemoryMiB: server.maxMemoryMiB,
    vcpus: server.vcpus,
    maxVcpus: server.maxVcpus,
    pendingReboot: server.pendingReboot,
    limits: { cpuCapPercent: server.cpuCapPercent, cpuWeight: server.cpuWeight, networkRateMbit: server.networkRateMbit },
    failureReason: server.failureReason,
    sshKeys: server.sshPublicKeys,
    disks: disks
      .filter((d) => d.serverId === server.id && d.state !== 'removed')
      .sort((a, b) => a.position - b.position)
      .map((d) => ({
        id: d.id,
        label: d.label,
        role: d.role,
        filesystem: d.filesystem,
        sizeGiB: d.sizeGiB,
        inodes: d.inodes,
        bytesPerInode: d.bytesPerInode,
        device: `xvd${String.fromCharCode(97 + d.position)}`,
        volumeName: d.volumeName,
        state: d.state,
        activeRoot: d.id === server.activeRootDiskId,
      })),
    createdAt: server.createdAt,
    updatedAt: server.updatedAt,
  };
}
