import { SshConnectionPool, type Dom0Target } from '@carve/xen';
import type { JobView } from '../../scripts/demo/api-types';
import { runLimited } from '../timing';
import type { CommandRecorder, RecordedExec } from './command-recorder';
import type { SimEndpoint } from './sim-shape';
import type { SimFleet } from './sim-fleet';

export interface ServerScript {
  hostId: string;
  commands: { line: string; exec: RecordedExec }[];
}

export interface DirectBaseline {
  commands: number;
  wallMs: number;
  /** Commands whose exit code differed from the one carve's worker got: 0 when the replay did the same work. */
  exitCodeMismatches: number;
  domainsRunning: number;
}

/** Each create job's commands, in step order, from its recorded steps (stdin and exit codes from the recorder). */
export function scriptsFromJobs(jobs: readonly JobView[], hostIdOf: (job: JobView) => string, recorder: CommandRecorder): { scripts: ServerScript[]; unmatched: number } {
  let unmatched = 0;
  const scripts = jobs.map((job) => ({
    hostId: hostIdOf(job),
    commands: job.steps.flatMap((step) =>
      (step.commands ?? []).flatMap((recorded) => {
        const found = recorder.take(recorded);
        if (!found) unmatched += 1;
        return found ? [found] : [];
      }),
    ),
  }));
  return { scripts, unmatched };
}

/**
 * The same commands without carve: a script (this process) sends each server's commands in order over
 * one pooled SSH connection per host (same channel limit), at most `perHost` servers of a
 * host at once, as carve's per-host job limit allows, to simulated hosts in a child process
 * of their own, fresh, as carve's were.
 */
export async function replayDirect(
  scripts: readonly ServerScript[],
  sims: ReadonlyMap<string, SimEndpoint>,
  fleet: SimFleet,
  _carvePrivateKey: string,
  options: { perHost: number; maxChannelsPerHost: number },
): Promise<DirectBaseline> {
  const pool = new SshConnectionPool({ maxChannelsPerHost: options.maxChannelsPerHost });
  const targetOf = (hostId: string): Dom0Target => {
    const sim = sims.get(hostId)!;
    // The baseline runs carve's recorded lines as plain execs: on the simulator that takes its admin key (carve's key gets the agent).
    return { hostId, address: '127.0.0.1', port: sim.port, username: 'root', privateKey: sim.adminPrivateKey, expectedHostKeyFingerprint: sim.hostKeyFingerprint };
  };
  const byHost = new Map<string, ServerScript[]>();
  for (const script of scripts) byHost.set(script.hostId, [...(byHost.get(script.hostId) ?? []), script]);
  let mismatches = 0;
  let commands = 0;
  try {
    const started = process.hrtime.bigint();
    await Promise.all(
      [...byHost].map(([hostId, hostScripts]) =>
        runLimited(hostScripts.length, options.perHost, async (i) => {
          for (const { line, exec } of hostScripts[i]!.commands) {
            const result = await pool.exec(targetOf(hostId), exec.stdin === undefined ? { line } : { line, stdin: exec.stdin });
            commands += 1;
            if (result.exitCode !== exec.exitCode) mismatches += 1;
          }
        }),
      ),
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const domainsRunning = await fleet.domainsRunning();
    return { commands, wallMs, exitCodeMismatches: mismatches, domainsRunning };
  } finally {
    await pool.close();
  }
}
