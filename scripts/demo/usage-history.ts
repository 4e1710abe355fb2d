/**
 * The demo's metering chapter, part one: gives the demo's servers a past. The simulator
 * is told to run db as an io-heavy workload (so the live readings show it), and
 * `npm run seed:usage` writes weeks of history for the servers through metering's ingest
 * path, db io-heavy there too, with the pools sized from the start of that history so the
 * previous month can be invoiced.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, SshConnectionPool } from '@carve/xen';
import type { ServerView } from './api-types';
import type { DemoContext } from './demo-context';

/** Days of seeded history: the whole previous month and the days of this one. */
export function historyDays(now = new Date()): number {
  const previousMonthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  return Math.ceil((now.getTime() - previousMonthStart) / 86_400_000) + 1;
}

interface HostDetail {
  id: string;
  name: string;
  sshAddress: string;
  sshPort: number;
  sshUser: string;
  hostKeyFingerprint: string;
  location: string | null;
}

/** The simulators' admin key (npm start made it beside their state): carve's own key reaches only the Dom0 agent. */
function simAdminKey(ctx: DemoContext): string | undefined {
  const path = join(ctx.local.dataDir, 'sim', 'admin-key');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * Runs `carve-sim workload DOMAIN PROFILE` on the server's simulated host (a simulator
 * command: real Dom0s have no such thing, so real hosts are left alone). False when the
 * host is not a local simulator or the simulators' admin key is not on this machine.
 */
export async function stageWorkload(ctx: DemoContext, server: ServerView & { domainName: string }, profile: string): Promise<boolean> {
  const host = await ctx.operator.get<HostDetail>(`/v1/hosts/${server.hostId}`);
  const key = simAdminKey(ctx);
  if (host.location !== 'local simulator' || !key) {
    ctx.narrator.detail(`${host.name} is not a local simulated host (or the simulators' admin key is not here): its ${server.name} keeps its own workload`);
    return false;
  }
  const pool = new SshConnectionPool();
  try {
    const target = { hostId: host.id, address: host.sshAddress, port: host.sshPort, username: host.sshUser, privateKey: key, expectedHostKeyFingerprint: host.hostKeyFingerprint };
    await run(pool, target, { line: `carve-sim workload ${server.domainName} ${profile}`, description: 'carve-sim workload' });
  } finally {
    await pool.close();
  }
  ctx.narrator.detail(`${host.name}: ${server.name} (domain ${server.domainName}) now runs ${/^[aeiou]/.test(profile) ? 'an' : 'a'} ${profile} workload; the collector reads it every interval`);
  return true;
}

export interface SeedRequest {
  servers: ServerView[];
  profiles: Map<string, string>;
  days: number;
}

/** `npm run seed:usage` for the servers, its progress shown as details; false when no database is reachable from here. */
export async function seedHistory(ctx: DemoContext, request: SeedRequest): Promise<boolean> {
  const args = ['-r', '@swc-node/register', resolve(__dirname, '..', 'seed-usage.ts'), '--days', String(request.days), '--pools-from-start'];
  for (const s of request.servers) args.push('--server', s.id);
  for (const [id, profile] of request.profiles) args.push('--profile', `${id}=${profile}`);
  ctx.narrator.detail(`npm run seed:usage -- --days ${request.days} --pools-from-start ${request.servers.map((s) => `--server ${s.id.slice(0, 8)}...`).join(' ')} ${[...request.profiles].map(([id, p]) => `--profile ${id.slice(0, 8)}...=${p}`).join(' ')}`);
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, args, { cwd: resolve(__dirname, '..', '..'), env: { ...ctx.local.env, CARVE_DATA_DIR: ctx.local.dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const show = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') ctx.narrator.detail(`  ${line.replace(/^\[seed:usage\] /, '')}`);
    };
    child.stdout.on('data', show);
    child.stderr.on('data', show);
    child.once('close', done);
  });
  if (code !== 0) {
    ctx.narrator.detail(`seed:usage exited ${code}: the graphs show only what the collector read since the servers started (set DATABASE_URL, or run the demo on the machine npm start runs on)`);
    return false;
  }
  return true;
}
