/**
 * npm run bench:ssh — the pooled ssh2 transport against two baselines measured
 * in the same run, on a local OpenSSH sshd and on the Dom0 simulator:
 *   pooled           one kept ssh2 connection, exec channels (SshConnectionPool)
 *   new connection   a fresh ssh2 connection (handshake + auth) per command
 *   ControlMaster    OpenSSH's ssh client, one process per command over a ControlMaster
 * Prints warm round trips (median/p95) and the time for 100 commands on one host.
 *
 * The Dom0 agent (bench/agent-round-trip.ts): a warm request through the long-lived
 * `carve-agent serve` channel (AgentExecutor) against a plain pooled exec of the same
 * command in the same run, on an sshd with the agent as a key's forced command and on
 * the simulator (carve's key gets the agent there; the raw rows use its admin key).
 */
import { startSimHost } from '@carve/dom0-sim';
import { Dom0CommandInput, Dom0Target, SshConnectionPool } from '@carve/xen';
// Relative until libs/testing/src/index.ts re-exports './sshd' (jest and swc map only `@carve/<lib>`, no subpaths).
// eslint-disable-next-line no-restricted-imports
import { generateEd25519KeyPair, startSshd } from '../libs/testing/src/sshd';
import { AgentMeasurement, benchAgentOnOpenSsh, compareAgentWithPlain, printAgentRatios } from './agent-round-trip';
import { OpenSshControlMaster } from './openssh-control-master';
import { runLimited, summarize, Summary, timeEach, timeTotal } from './timing';

const ROUND_TRIPS = { pooled: 300, newConnection: 30, controlMaster: 100 };
const THROUGHPUT_COMMANDS = 100;
/** Baselines get the same concurrency the pool allows per host. */
const CONCURRENCY = 8;

interface Measurement {
  readonly server: string;
  readonly method: 'pooled' | 'new connection' | 'ControlMaster';
  readonly roundTrip: Summary;
  /** Wall time for THROUGHPUT_COMMANDS commands on one host. */
  readonly throughputMs: number;
}

async function main(): Promise<void> {
  const measurements: Measurement[] = [];
  const agent: AgentMeasurement[] = [];
  measurements.push(...(await benchOpenSsh()));
  agent.push(await benchAgentOnOpenSsh());
  measurements.push(...(await benchSimulator(agent)));
  printTable(measurements);
  printRatios(measurements);
  printAgentRatios(agent);
}

async function benchOpenSsh(): Promise<Measurement[]> {
  const sshd = await startSshd({ logLevel: 'INFO' });
  const target: Dom0Target = {
    hostId: 'bench-sshd',
    address: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.clientPrivateKey,
    expectedHostKeyFingerprint: sshd.hostKeyFingerprint,
  };
  const command: Dom0CommandInput = { line: 'true', description: 'true' };
  const controlMaster = new OpenSshControlMaster({ ...target, privateKey: sshd.clientPrivateKey, knownHostsLine: sshd.knownHostsLine });
  try {
    const results = [
      await measurePooled('OpenSSH sshd', target, command),
      await measureNewConnection('OpenSSH sshd', target, command),
    ];
    results.push(await measureControlMaster('OpenSSH sshd', controlMaster, command.line));
    return results;
  } finally {
    await controlMaster.close();
    await sshd.stop();
  }
}

/** carve's key runs the agent on the simulator, as on a real Dom0; the raw rows use the simulator's admin key. */
async function benchSimulator(agent: AgentMeasurement[]): Promise<Measurement[]> {
  const key = generateEd25519KeyPair('carve-bench');
  const host = await startSimHost({ port: 0, authorizedKeys: [key.public] });
  const target: Dom0Target = {
    hostId: 'bench-sim',
    address: '127.0.0.1',
    port: host.port,
    username: 'root',
    privateKey: host.adminPrivateKey,
    expectedHostKeyFingerprint: host.hostKeyFingerprint,
  };
  const command: Dom0CommandInput = { line: 'xl list', description: 'xl list' };
  const [keyType, keyData] = host.hostPublicKey.split(' ');
  const controlMaster = new OpenSshControlMaster({
    ...target,
    privateKey: host.adminPrivateKey,
    knownHostsLine: `[127.0.0.1]:${host.port} ${keyType} ${keyData}`,
  });
  try {
    const results = [
      await measurePooled('Dom0 simulator', target, command),
      await measureNewConnection('Dom0 simulator', target, command),
    ];
    results.push(await measureControlMaster('Dom0 simulator', controlMaster, command.line));
    agent.push(await compareAgentWithPlain('Dom0 simulator', { target: { ...target, hostId: 'bench-sim-plain' }, command }, { ...target, hostId: 'bench-sim-agent', privateKey: key.private }));
    return results;
  } finally {
    await controlMaster.close();
    await host.close();
  }
}

async function measureControlMaster(server: string, controlMaster: OpenSshControlMaster, line: string): Promise<Measurement> {
  await controlMaster.run(line); // starts the master
  const roundTrip = summarize(await timeEach(ROUND_TRIPS.controlMaster, () => controlMaster.run(line)));
  const throughputMs = await timeTotal(() => runLimited(THROUGHPUT_COMMANDS, CONCURRENCY, () => controlMaster.run(line)));
  return { server, method: 'ControlMaster', roundTrip, throughputMs };
}

async function measurePooled(server: string, target: Dom0Target, command: Dom0CommandInput): Promise<Measurement> {
  const pool = new SshConnectionPool({ idleTimeoutMs: 0 });
  try {
    await timeEach(20, () => pool.exec(target, command)); // connect and warm up
    const roundTrip = summarize(await timeEach(ROUND_TRIPS.pooled, () => pool.exec(target, command)));
    const throughputMs = await timeTotal(() =>
      Promise.all(Array.from({ length: THROUGHPUT_COMMANDS }, () => pool.exec(target, command))),
    );
    const stats = pool.stats(target.hostId);
    if (stats?.connectionsOpened !== 1) throw new Error(`pool opened ${stats?.connectionsOpened} connections, expected 1`);
    return { server, method: 'pooled', roundTrip, throughputMs };
  } finally {
    await pool.close();
  }
}

async function measureNewConnection(server: string, target: Dom0Target, command: Dom0CommandInput): Promise<Measurement> {
  const once = async (): Promise<void> => {
    const pool = new SshConnectionPool({ idleTimeoutMs: 0 });
    try {
      await pool.exec(target, command);
    } finally {
      await pool.close();
    }
  };
  const roundTrip = summarize(await timeEach(ROUND_TRIPS.newConnection, once));
  const throughputMs = await timeTotal(() => runLimited(THROUGHPUT_COMMANDS, CONCURRENCY, once));
  return { server, method: 'new connection', roundTrip, throughputMs };
}

function printTable(measurements: readonly Measurement[]): void {
  const rows = measurements.map((m) => [
    m.server,
    m.method,
    String(m.roundTrip.samples),
    m.roundTrip.medianMs.toFixed(2),
    m.roundTrip.p95Ms.toFixed(2),
    m.throughputMs.toFixed(0),
    ((THROUGHPUT_COMMANDS * 1000) / m.throughputMs).toFixed(0),
  ]);
  const header = ['server', 'method', 'n', 'rtt median ms', 'rtt p95 ms', `${THROUGHPUT_COMMANDS} cmds ms`, 'cmds/s'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
}

function printRatios(measurements: readonly Measurement[]): void {
  const find = (server: string, method: Measurement['method']): Measurement | undefined =>
    measurements.find((m) => m.server === server && m.method === method);
  for (const server of new Set(measurements.map((m) => m.server))) {
    const pooled = find(server, 'pooled');
    if (pooled === undefined) continue;
    for (const baseline of [find(server, 'ControlMaster'), find(server, 'new connection')]) {
      if (baseline === undefined) continue;
      const rtt = pooled.roundTrip.medianMs / baseline.roundTrip.medianMs;
      const throughput = pooled.throughputMs / baseline.throughputMs;
      console.log(
        `${server}: pooled/${baseline.method}  round trip ${rtt.toFixed(3)}x  ` +
          `${THROUGHPUT_COMMANDS}-command time ${throughput.toFixed(3)}x  (lower is better)`,
      );
    }
  }
  console.log(
    '\nControlMaster rows include starting one `ssh` client process per command (what shelling out costs);' +
      '\nnew-connection rows pay TCP + key exchange + publickey auth each time.',
  );
  const pooled = find('OpenSSH sshd', 'pooled');
  const controlMaster = find('OpenSSH sshd', 'ControlMaster');
  if (pooled && controlMaster) {
    const ratio = pooled.roundTrip.medianMs / controlMaster.roundTrip.medianMs;
    const met = ratio <= 1.2;
    console.log(
      `\nTarget "pooled warm round trip at most 1.2x ControlMaster's": ${met ? 'MET' : 'NOT MET'} ` +
        `(${pooled.roundTrip.medianMs.toFixed(2)} ms vs ${controlMaster.roundTrip.medianMs.toFixed(2)} ms, ${ratio.toFixed(3)}x)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
