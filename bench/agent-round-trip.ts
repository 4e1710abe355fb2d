/**
 * bench:ssh's agent part: the same `xl list` run two ways on one host, alternating in blocks
 * so both see the same machine; on an OpenSSH sshd (a stub xl printing xen-reference.md's
 * sample) and on the Dom0 simulator (which runs the same agent code for carve's key):
 *   plain pooled exec   SshConnectionPool.exec of the command line (sshd starts a session and a shell per command)
 *   agent (serve)       AgentExecutor: the xl.list request on the host's long-lived `carve-agent serve`
 *                       channel, the agent being the key's forced command (validation, journal, spawn)
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentBundle } from '@carve/agent-install';
import { AgentExecutor, Dom0CommandInput, Dom0Target, SshConnectionPool, xlListQuery } from '@carve/xen';
import { generateEd25519KeyPair, startSshd } from '@carve/testing';
import { runLimited, summarize, Summary, timeEach, timeTotal } from './timing';

const BLOCKS = 6;
const PER_BLOCK = 50;
const THROUGHPUT_COMMANDS = 100;
const CONCURRENCY = 8;
const TARGET_RATIO = 1.2;

const XL_LIST = `Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0  4096     4     r-----   48211.7
web1                                         3  2048     2     -b----   10432.9
`;

export interface AgentMeasurement {
  readonly server: string;
  readonly plain: Summary;
  readonly agent: Summary;
  readonly plainThroughputMs: number;
  readonly agentThroughputMs: number;
}

/**
 * The same command both ways over one pool, in alternating blocks: `plain` as a command line on
 * a key with a shell, `agent` as its verb through AgentExecutor on a key bound to the agent.
 */
export async function compareAgentWithPlain(
  server: string,
  plain: { readonly target: Dom0Target; readonly command: Dom0CommandInput },
  agentTarget: Dom0Target,
): Promise<AgentMeasurement> {
  const pool = new SshConnectionPool({ idleTimeoutMs: 0 });
  try {
    const agent = new AgentExecutor(pool);
    const query = xlListQuery();
    const plainOnce = async (): Promise<void> => {
      const result = await pool.exec(plain.target, plain.command);
      if (result.exitCode !== 0 || !result.stdout.startsWith('Name ')) throw new Error(`plain exec on ${server} printed ${JSON.stringify(result)}`);
    };
    const agentOnce = async (): Promise<void> => {
      const result = await agent.exec(agentTarget, query.command);
      if (result.exitCode !== 0 || !result.stdout.startsWith('Name ')) throw new Error(`the agent on ${server} answered ${JSON.stringify(result)}`);
    };
    await timeEach(20, plainOnce);
    await timeEach(20, agentOnce);
    const plainSamples: number[] = [];
    const agentSamples: number[] = [];
    for (let block = 0; block < BLOCKS; block += 1) {
      plainSamples.push(...(await timeEach(PER_BLOCK, plainOnce)));
      agentSamples.push(...(await timeEach(PER_BLOCK, agentOnce)));
    }
    const plainThroughputMs = await timeTotal(() => runLimited(THROUGHPUT_COMMANDS, CONCURRENCY, plainOnce));
    const agentThroughputMs = await timeTotal(() => runLimited(THROUGHPUT_COMMANDS, CONCURRENCY, agentOnce));
    for (const target of [plain.target, agentTarget]) {
      const stats = pool.stats(target.hostId);
      if (stats?.connectionsOpened !== 1) throw new Error(`${target.hostId}: the pool opened ${stats?.connectionsOpened} connections, expected 1`);
    }
    return { server, plain: summarize(plainSamples), agent: summarize(agentSamples), plainThroughputMs, agentThroughputMs };
  } finally {
    await pool.close();
  }
}

/** OpenSSH sshd: one key with a shell (plain), one with the agent bundle as its forced command, a stub `xl` on both PATHs. */
export async function benchAgentOnOpenSsh(): Promise<AgentMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-agent-'));
  const sshd = await startSshd({ logLevel: 'INFO' });
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(dir, 'xl-list.txt'), XL_LIST);
    writeFileSync(join(bin, 'xl'), `#!/bin/sh\ncat '${join(dir, 'xl-list.txt')}'\n`);
    chmodSync(join(bin, 'xl'), 0o755);
    const bundle = join(dir, 'carve-agent.js');
    await buildAgentBundle(bundle);
    const agentKey = generateEd25519KeyPair('carve-bench-agent');
    const forced = `PATH=${bin}:/usr/bin:/bin CARVE_AGENT_STATE_DIR=${join(dir, 'state')} exec node ${bundle}`;
    writeFileSync(join(sshd.dir, 'authorized_keys'), `${sshd.clientPublicKey}\nrestrict,command="${forced}" ${agentKey.public}\n`);
    const base = { address: sshd.host, port: sshd.port, username: sshd.username, expectedHostKeyFingerprint: sshd.hostKeyFingerprint };
    return await compareAgentWithPlain(
      'OpenSSH sshd',
      { target: { ...base, hostId: 'bench-plain', privateKey: sshd.clientPrivateKey }, command: { line: `PATH=${bin}:$PATH xl list`, description: 'xl list' } },
      { ...base, hostId: 'bench-agent', privateKey: agentKey.private },
    );
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printAgentRatios(measurements: readonly AgentMeasurement[]): void {
  for (const m of measurements) printAgentRatio(m);
}

function printAgentRatio(m: AgentMeasurement): void {
  const row = (name: string, s: Summary, throughputMs: number): string =>
    `${name.padEnd(22)}${String(s.samples).padStart(5)}  ${s.medianMs.toFixed(2).padStart(13)}  ${s.p95Ms.toFixed(2).padStart(10)}  ${throughputMs.toFixed(0).padStart(12)}`;
  console.log(`\nDom0 agent on ${m.server} (xl list)`);
  console.log(`${'method'.padEnd(22)}${'n'.padStart(5)}  ${'rtt median ms'.padStart(13)}  ${'rtt p95 ms'.padStart(10)}  ${`${THROUGHPUT_COMMANDS} cmds ms`.padStart(12)}`);
  console.log(row('plain pooled exec', m.plain, m.plainThroughputMs));
  console.log(row('agent (serve channel)', m.agent, m.agentThroughputMs));
  const ratio = m.agent.medianMs / m.plain.medianMs;
  console.log(
    `agent/plain  round trip ${ratio.toFixed(3)}x (p95 ${(m.agent.p95Ms / m.plain.p95Ms).toFixed(3)}x)  ${THROUGHPUT_COMMANDS}-command time ${(m.agentThroughputMs / m.plainThroughputMs).toFixed(3)}x  (lower is better)`,
  );
  console.log(`${m.server}: target "agent warm round trip at most ${TARGET_RATIO}x a plain pooled exec": ${ratio <= TARGET_RATIO ? 'MET' : 'NOT MET'} (${m.agent.medianMs.toFixed(2)} ms vs ${m.plain.medianMs.toFixed(2)} ms, ${ratio.toFixed(3)}x)`);
}
