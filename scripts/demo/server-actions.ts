import type { Accepted, ResizeAccepted, ServerView } from './api-types';
import type { DemoContext } from './demo-context';
import { followJob } from './job-follower';
import type { DemoCustomer } from './operator-setup';

/** A demo expectation the API did not meet: the demo stops and says what it saw. */
export class DemoExpectationError extends Error {}

function activeRoot(server: ServerView): string {
  return server.disks.find((d) => d.role === 'root' && d.activeRoot)?.label ?? '?';
}

async function reread(customer: DemoCustomer, server: ServerView): Promise<ServerView> {
  return customer.api.get<ServerView>(`/v1/servers/${server.id}`);
}

/** Within maxMemoryMiB on a running server, carve applies the change with xl mem-set: the answer says "live". */
export async function growMemoryLive(ctx: DemoContext, customer: DemoCustomer, server: ServerView, memoryMiB: number): Promise<ServerView> {
  const answer = await customer.api.post<ResizeAccepted>(`/v1/servers/${server.id}/resize`, { memoryMiB }, ctx.key(`resize-${server.id}`));
  ctx.narrator.detail(`${server.name}: memory ${server.memoryMiB} -> ${memoryMiB} MiB (max ${server.maxMemoryMiB}); the API says it applies: ${answer.memory}`);
  if (answer.memory !== 'live') throw new DemoExpectationError(`expected a live memory resize of ${server.name}, the API answered ${answer.memory}`);
  for (const job of answer.jobs) await followJob(customer.api, job, server.name, ctx.narrator);
  const after = await reread(customer, server);
  ctx.narrator.detail(`${after.name}: memory grown live to ${after.memoryMiB} MiB, state ${after.state}, pendingReboot ${after.pendingReboot}`);
  return after;
}

/** The standby root becomes the active one at the next boot; the reboot then boots it. */
export async function switchRootThenReboot(ctx: DemoContext, customer: DemoCustomer, server: ServerView): Promise<ServerView> {
  const switched = await customer.api.post<Accepted>(`/v1/servers/${server.id}/switch-root`, {}, ctx.key(`switch-root-${server.id}`));
  ctx.narrator.detail(`${server.name}: boot the standby root instead of ${activeRoot(server)} (job ${switched.job.id})`);
  await followJob(customer.api, switched.job, server.name, ctx.narrator);
  const pending = await reread(customer, server);
  ctx.narrator.detail(`${pending.name}: active root from the next boot: ${activeRoot(pending)}; pendingReboot: ${pending.pendingReboot} (state ${pending.state})`);
  if (!pending.pendingReboot) throw new DemoExpectationError(`expected ${server.name} to wait for a reboot after switching root`);

  const rebooted = await customer.api.post<Accepted>(`/v1/servers/${server.id}/reboot`, {}, ctx.key(`reboot-${server.id}`));
  ctx.narrator.detail(`${server.name}: reboot (job ${rebooted.job.id})`);
  await followJob(customer.api, rebooted.job, server.name, ctx.narrator);
  const after = await reread(customer, server);
  ctx.narrator.detail(`${after.name}: rebooted onto ${activeRoot(after)}; pendingReboot: ${after.pendingReboot}, state ${after.state}`);
  return after;
}

/** Destroys the domain and every volume, and gives its resources back to the pool. */
export async function deleteServer(ctx: DemoContext, customer: DemoCustomer, server: ServerView): Promise<ServerView> {
  const accepted = await customer.api.delete<Accepted>(`/v1/servers/${server.id}`, ctx.key(`delete-${server.id}`));
  ctx.narrator.detail(`${server.name}: delete (job ${accepted.job.id}), state now ${accepted.server.state}`);
  await followJob(customer.api, accepted.job, server.name, ctx.narrator);
  const after = await reread(customer, server);
  ctx.narrator.detail(`${after.name}: ${after.state}; its volumes are removed and the pool has its share back`);
  return after;
}
