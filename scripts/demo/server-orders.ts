import type { Accepted, DiskView, ServerView } from './api-types';
import type { DemoContext } from './demo-context';
import { followJob } from './job-follower';
import type { DemoCustomer } from './operator-setup';

/** The demo's own public key: the servers are simulated, nobody logs in with it. */
export const DEMO_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl demo@carve';

/** Two roots (the second is a standby for a failed upgrade), an XFS data disk and swap. */
export const DEMO_DISKS = [
  { label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root', inodes: 655360 },
  { label: 'standby', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
  { label: 'data', sizeGiB: 20, filesystem: 'xfs', role: 'data' },
  { label: 'swap', sizeGiB: 1, filesystem: 'swap', role: 'swap' },
] as const;

export interface ServerPlan {
  customer: DemoCustomer;
  poolId: string;
  name: string;
  memoryMiB: number;
  maxMemoryMiB: number;
  vcpus: number;
  maxVcpus: number;
  /** DEMO_DISKS when left out. */
  disks?: readonly { label: string; sizeGiB: number; filesystem: string; role: string; inodes?: number }[];
}

export interface OrderedServer {
  customer: DemoCustomer;
  server: ServerView;
  accepted: Accepted;
}

export function describeDisks(disks: DiskView[]): string {
  return disks
    .map((d) => `${d.device} ${d.label} ${d.sizeGiB} GiB ${d.filesystem}${d.inodes ? ` (${d.inodes} inodes)` : ''}${d.role === 'root' ? (d.activeRoot ? ' active root' : ' standby root') : d.role === 'data' ? ' data' : ''}`)
    .join(', ');
}

export async function orderServer(ctx: DemoContext, plan: ServerPlan, imageId: string, hostNames: Map<string, string>): Promise<OrderedServer> {
  const body = {
    name: plan.name,
    poolId: plan.poolId,
    imageId,
    memoryMiB: plan.memoryMiB,
    maxMemoryMiB: plan.maxMemoryMiB,
    vcpus: plan.vcpus,
    maxVcpus: plan.maxVcpus,
    sshKeys: [DEMO_SSH_KEY],
    disks: plan.disks ?? DEMO_DISKS,
  };
  const accepted = await plan.customer.api.post<Accepted>('/v1/servers', body, ctx.key(`order-${plan.customer.id}-${plan.name}`));
  const s = accepted.server;
  ctx.narrator.detail(
    `${plan.customer.name} ordered ${s.name}: ${s.memoryMiB} MiB (up to ${s.maxMemoryMiB} live), ${s.vcpus} vCPU, on ${hostNames.get(s.hostId) ?? s.hostId}; ` +
      `job ${accepted.job.id} ${accepted.job.status}\n    disks: ${describeDisks(s.disks)}`,
  );
  return { customer: plan.customer, server: s, accepted };
}

/** Follows every create job at once; steps print as they finish, labelled by server. */
export async function followCreates(ctx: DemoContext, ordered: OrderedServer[]): Promise<ServerView[]> {
  await Promise.all(ordered.map((o) => followJob(o.customer.api, o.accepted.job, o.server.name, ctx.narrator)));
  return Promise.all(ordered.map((o) => o.customer.api.get<ServerView>(`/v1/servers/${o.server.id}`)));
}
