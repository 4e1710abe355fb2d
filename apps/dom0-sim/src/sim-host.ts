import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCore, newOwner, runAgentSession } from '@carve/dom0-agent';
import { SimHostRunner } from './agent/sim-host-runner';
import { generateEd25519KeyPair } from './generate-key';
import { hostKeyFingerprint } from '@carve/xen';
import { utils } from 'ssh2';
import { isSimControl, runCommandLine } from './command-router';
import { FaultRules, type DelayRule, type DropRule, type FailRule } from './faults';
import { HostControl } from './host-control';
import type { SimRuntime } from './sim-runtime';
import { startSshServer } from './ssh-server';
import type { DiskCapacity, SimHostState } from './state/host-state';
import { createInitialState, type HostShape } from './state/initial-state';
import { SimClock } from './state/sim-clock';
import { StateWriter, loadState } from './state/state-store';
import type { WorkloadProfileName } from './workload-profiles';

export interface SimHostOptions {
  name?: string;
  port?: number;
  hostKey?: string;
  /** carve's keys: their sessions run the Dom0 agent, as carve's key does on a real Dom0. */
  authorizedKeys: string[];
  /** The simulator's admin key (raw command lines: `carve-sim ...`, `xl list`); generated when absent. */
  adminKey?: { private: string; public: string };
  /** The agent's journal and locks; a fresh temporary directory when absent. */
  agentStateDir?: string;
  totalMemoryMiB?: number;
  dom0MemMiB?: number;
  cpus?: number;
  vgName?: string;
  vgSizeGiB?: number;
  timeFactor?: number;
  /**
   * Simulated unix seconds at start, instead of now. A fast clock started in the past stays
   * behind the real one for a while, so what it reports is not in carve's future.
   */
  startAt?: number;
  stateFile?: string;
  /** What the disks under the volume group deliver; two SATA drives in RAID1 (250 IOPS, 180 MB/s) by default. */
  diskCapacity?: DiskCapacity;
}

export interface SimHost {
  readonly name: string;
  readonly port: number;
  readonly hostKeyFingerprint: string;
  /** The OpenSSH public key line of the host key. */
  readonly hostPublicKey: string;
  /** The admin key (OpenSSH private key): raw command lines, for `carve-sim` control and humans. */
  readonly adminPrivateKey: string;
  readonly adminPublicKey: string;
  /** Where the agent keeps its journal and locks. */
  readonly agentStateDir: string;
  /** The live state (read it; change it through commands or the methods below). */
  readonly state: SimHostState;
  /** Simulated unix seconds now. */
  now(): number;
  setWorkload(domain: string, profile: WorkloadProfileName): boolean;
  setDiskCapacity(capacity: DiskCapacity): void;
  fail(rule: FailRule): void;
  delay(rule: DelayRule): void;
  drop(rule: DropRule): void;
  clearFaults(): void;
  rebootHost(): void;
  setTimeFactor(factor: number): void;
  reset(): void;
  /** Cuts every SSH connection now, mid-command (the host vanished); it accepts new ones. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Sleep simulated seconds: real time divided by the time factor, never longer than the simulated span. */
function simSleeper(clock: SimClock) {
  return (simSeconds: number, closed?: AbortSignal): Promise<void> => {
    const realMs = Math.max(0, Math.min(simSeconds / clock.timeFactor, simSeconds) * 1000);
    return sleepUnlessClosed(realMs, closed);
  };
}

/** Resolves after `ms`, or as soon as `closed` aborts; never leaves a timer behind. */
function sleepUnlessClosed(ms: number, closed?: AbortSignal): Promise<void> {
  if (closed?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      closed?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    closed?.addEventListener('abort', done, { once: true });
  });
}

export async function startSimHost(opts: SimHostOptions): Promise<SimHost> {
  const shape: HostShape = {
    name: opts.name ?? 'sim-1',
    totalMemoryMiB: opts.totalMemoryMiB ?? 65536,
    dom0MemMiB: opts.dom0MemMiB ?? 4096,
    cpus: opts.cpus ?? 16,
    vgName: opts.vgName ?? 'vg0',
    vgSizeGiB: opts.vgSizeGiB ?? 1800,
    ...(opts.diskCapacity ? { diskCapacity: opts.diskCapacity } : {}),
  };
  const hostKey = opts.hostKey ?? generateEd25519KeyPair().private;
  const parsedHostKey = utils.parseKey(hostKey);
  if (parsedHostKey instanceof Error) throw new Error(`host key: ${parsedHostKey.message}`);
  const publicBlob = parsedHostKey.getPublicSSH();

  const realNow = Date.now() / 1000;
  const loaded = opts.stateFile ? loadState(opts.stateFile) : undefined;
  const clock = new SimClock(loaded ? Math.max(realNow, loaded.simNow ?? 0) : (opts.startAt ?? realNow), opts.timeFactor ?? 1);
  const writer = opts.stateFile ? new StateWriter(opts.stateFile) : undefined;

  const runtime: SimRuntime = {
    state: loaded?.state ?? createInitialState(shape, clock.now()),
    clock,
    faults: new FaultRules(),
    sleepSim: simSleeper(clock),
    replaceState(state) {
      runtime.state = state;
    },
    freshState: () => createInitialState(shape, clock.now()),
  };
  const control = new HostControl(runtime);
  const persist = (): Promise<void> => writer?.save(runtime.state, clock.now()) ?? Promise.resolve();
  const adminKey = opts.adminKey ?? generateEd25519KeyPair();
  // One agent owner per simulated host (journal entries and locks of its sessions stay live together), a runner per SSH session.
  const agentOwner = newOwner();
  const agentCore = (runner: SimHostRunner): AgentCore => new AgentCore({ stateDir: agentStateDir, mountRoot: '/mnt/carve', runner, owner: agentOwner });
  const agentStateDir = opts.agentStateDir ?? mkdtempSync(join(tmpdir(), 'carve-sim-agent-'));

  const server = await startSshServer(
    {
      hostKey,
      authorizedKeys: opts.authorizedKeys,
      adminKeys: [adminKey.public],
      onExec: async (line, io) => {
        if (io.identity === 'agent') {
          // The same agent code as on a real Dom0; only its runner is the simulator's.
          const runner = new SimHostRunner(runtime, { drop: io.drop, persist });
          const core = agentCore(runner);
          const exitCode = await runAgentSession(core, line, { stdin: io.streams.stdin, stdout: io.streams.stdout, stderr: io.stderr, closed: io.closed });
          return { stdout: '', stderr: '', exitCode };
        }
        if (!isSimControl(line)) {
          const plan = runtime.faults.plan(line);
          if (plan.drop) {
            // Let the channel open fully so the client is mid-command when the connection dies.
            await new Promise((r) => setTimeout(r, 20));
            io.drop();
            return 'dropped';
          }
          if (plan.delayMs > 0) {
            await sleepUnlessClosed(plan.delayMs, io.closed);
            // The client gave up (timeout) while the command was held: it never ran, as a killed command would not.
            if (io.closed.aborted) return { stdout: '', stderr: '', exitCode: 129 };
          }
          if (plan.fail) return { stdout: '', stderr: plan.fail.stderr, exitCode: plan.fail.exitCode };
        }
        const result = await runCommandLine(line, { runtime, readStdin: io.readStdin, closed: io.closed, streams: io.streams });
        await persist();
        return result;
      },
    },
    opts.port ?? 0,
  );
  await persist();

  const withSave = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    const r = fn(...args);
    void persist();
    return r;
  };

  return {
    name: runtime.state.hostname,
    port: server.port,
    hostKeyFingerprint: hostKeyFingerprint(publicBlob),
    hostPublicKey: `${parsedHostKey.type} ${publicBlob.toString('base64')}`,
    adminPrivateKey: adminKey.private,
    adminPublicKey: adminKey.public,
    agentStateDir,
    get state() {
      return runtime.state;
    },
    now: () => clock.now(),
    setWorkload: withSave((domain: string, profile: WorkloadProfileName) => control.setWorkload(domain, profile)),
    setDiskCapacity: withSave((capacity: DiskCapacity) => control.setDiskCapacity(capacity)),
    fail: (rule) => control.fail(rule),
    delay: (rule) => control.delay(rule),
    drop: (rule) => control.drop(rule),
    clearFaults: () => control.clearFaults(),
    rebootHost: withSave(() => control.rebootHost()),
    setTimeFactor: (f: number) => control.setTimeFactor(f),
    reset: withSave(() => control.reset()),
    dropConnections: () => server.dropConnections(),
    async close() {
      await server.close();
      // A journal of our own making goes with the host; one the caller named stays (npm start keeps it across restarts).
      if (opts.agentStateDir === undefined) rmSync(agentStateDir, { recursive: true, force: true });
      await persist();
      await writer?.flush();
    },
  };
}
