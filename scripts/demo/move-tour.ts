/** A move as the operator asks and follows it: the job's copy progress live, then where the server runs. */
import type { MoveAccepted, ServerView } from './api-types';
import type { DemoContext } from './demo-context';
import { followJob } from './job-follower';

export interface MovedServer {
  from: string;
  to: string;
  server: ServerView;
}

export async function moveServer(ctx: DemoContext, server: ServerView, hostNames: Map<string, string>): Promise<MovedServer> {
  const n = ctx.narrator;
  const name = (id: string) => hostNames.get(id) ?? id;
  const accepted = await ctx.operator.post<MoveAccepted>(`/v1/servers/${server.id}/move`, {}, ctx.key(`move-${server.id}`));
  const { move } = accepted;
  n.detail(`move ${move.id}: ${server.name} from ${name(move.sourceHostId)} to ${name(move.targetHostId)} (placement's choice); job ${accepted.job.id} ${accepted.job.status}`);
  await followJob(ctx.operator, accepted.job, server.name, n, { progress: true });
  const after = await ctx.operator.get<ServerView>(`/v1/servers/${server.id}`);
  n.detail(`${after.name} now runs on ${name(after.hostId)} (state ${after.state}); its domain, config and volumes on ${name(move.sourceHostId)} are gone`);
  return { from: name(move.sourceHostId), to: name(after.hostId), server: after };
}
