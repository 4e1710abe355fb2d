// Medium test: the agent's metering.read procedure on a simulated Dom0 whose tools take
// time, as a real host's do (lvs and pvs scan devices and wait for LVM's lock; xl and
// xentop ask xenstored), and a different time each reading. The collector caps each
// reading's io_ticks delta at its host-clock delta, so when the clock is read at one
// moment and the disks' stats at another, a skew that varies reading to reading turns
// saturated disks into 80-95% busy ones (a longer interval is capped, a shorter one is
// not). A saturated disk must read saturated: the clock has to stamp the block stats.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCore, type HostRunner, type RunOptions, type RunResult } from '@carve/dom0-agent';
import { Dom0Client, parseMeteringReading, SshConnectionPool, type DomainSpec, type MeteringReading } from '@carve/xen';
import { FaultRules } from '../faults';
import { generateEd25519KeyPair } from '../generate-key';
import { startSimHost, type SimHost } from '../sim-host';
import type { SimRuntime } from '../sim-runtime';
import { diskContention } from '../state/disk-contention';
import type { SimTimeSource } from '../state/sim-clock';
import { SimHostRunner } from './sim-host-runner';

/** Simulated seconds, moved on only by the test: each reading's tools take the time the test gives them. */
class SteppedClock implements SimTimeSource {
  constructor(private at: number) {}
  now(): number {
    return this.at;
  }
  readonly timeFactor = 1;
  setTimeFactor(): void {}
  advance(seconds: number): void {
    this.at += seconds;
  }
}

/** How long each tool ran, per reading, in simulated seconds: LVM's scans vary the most. */
const TOOL_SECONDS: Record<string, readonly number[]> = {
  xl: [0.02, 0.05, 0.03, 0.2, 0.02, 0.04, 0.03, 0.1],
  xentop: [0.1, 0.3, 0.15, 0.6, 0.1, 0.2, 0.4, 0.1],
  lvs: [0.15, 1.8, 0.2, 2.5, 0.3, 0.2, 1.2, 0.15],
  pvs: [0.1, 0.9, 0.15, 1.6, 0.2, 0.1, 0.8, 0.1],
};
const READINGS = 8;
const INTERVAL_S = 10;

/** The simulator's own runner, with each tool's run time added to the clock after it ran. */
class TimedRunner implements HostRunner {
  reading = 0;
  constructor(
    private readonly inner: HostRunner,
    private readonly clock: SteppedClock,
  ) {}
  async run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
    const result = await this.inner.run(argv, options);
    this.clock.advance(TOOL_SECONDS[argv[0] ?? '']?.[this.reading % READINGS] ?? 0.005);
    return result;
  }
  writeFile(path: string, content: string, signal: AbortSignal): Promise<void> {
    return this.inner.writeFile(path, content, signal);
  }
  listDirectory(path: string): Promise<string[]> {
    return this.inner.listDirectory(path);
  }
}

function domainSpec(name: string): DomainSpec {
  return {
    name, type: 'pvh', memoryMiB: 1024, maxMemoryMiB: 1024, vcpus: 1, maxVcpus: 1, cpuWeight: 256, capPercent: 0,
    boot: { bootloader: 'pygrub' },
    disks: [{ target: `/dev/vg0/${name}-root`, vdev: 'xvda', access: 'w' }],
    vifs: [], onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'restart',
  };
}

describe('metering.read on a host whose tools take time', () => {
  let sim: SimHost;
  let pool: SshConnectionPool;
  let agent: AgentCore;
  let clock: SteppedClock;
  let runner: TimedRunner;
  const stateDir = mkdtempSync(join(tmpdir(), 'carve-metering-clock-'));

  beforeAll(async () => {
    const key = generateEd25519KeyPair();
    sim = await startSimHost({ port: 0, authorizedKeys: [key.public], timeFactor: 100 });
    pool = new SshConnectionPool();
    const client = new Dom0Client(pool, { hostId: 'metering-clock', address: '127.0.0.1', port: sim.port, username: 'root', privateKey: key.private, expectedHostKeyFingerprint: sim.hostKeyFingerprint });
    for (const name of ['etl', 'web1', 'web2']) {
      await client.createVolume(`${name}-root`, 10);
      await client.writeDomainConfig(domainSpec(name));
      await client.createDomain(name);
    }
    expect(sim.setWorkload('etl', 'io-heavy')).toBe(true);
    expect(sim.setWorkload('web1', 'web')).toBe(true);
    expect(sim.setWorkload('web2', 'web')).toBe(true);
    // From here on only this test reads the host, on its own clock (the state's counters are lazy: a read changes nothing).
    clock = new SteppedClock(Math.ceil(sim.now()) + 1);
    const runtime: SimRuntime = {
      get state() {
        return sim.state;
      },
      set state(_state) {
        throw new Error('not in this test');
      },
      clock,
      faults: new FaultRules(),
      sleepSim: (seconds) => Promise.resolve(clock.advance(seconds)),
      replaceState: () => {
        throw new Error('not in this test');
      },
      freshState: () => {
        throw new Error('not in this test');
      },
    };
    runner = new TimedRunner(new SimHostRunner(runtime, { drop: () => undefined, persist: () => Promise.resolve() }), clock);
    // The agent's own code, as on a real Dom0; only its runner is the simulator's.
    agent = new AgentCore({ stateDir, mountRoot: '/mnt/carve', runner });
  });
  afterAll(async () => {
    await pool.close();
    await sim.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const read = async (): Promise<MeteringReading> => {
    const startedAt = clock.now();
    const result = await agent.handle({ id: `metering-${runner.reading}`, verb: 'metering.read', args: { volumeGroup: 'vg0' } });
    expect(result).toMatchObject({ status: 'ok', exitCode: 0 });
    runner.reading += 1;
    // The collector starts a reading every interval, however long the last one took.
    clock.advance(startedAt + INTERVAL_S - clock.now());
    return parseMeteringReading(result.stdout, 'vg0');
  };

  it('reads a saturated disk as saturated: io_ticks delta over the host-clock delta is 1 in every interval', async () => {
    // The simulator's own view: one io-heavy domain asks about 5x what the mirror delivers.
    expect(diskContention(sim.state).utilisation).toBe(1);
    const readings: MeteringReading[] = [];
    for (let i = 0; i <= READINGS; i++) readings.push(await read());
    const busy: number[] = [];
    for (let i = 1; i < readings.length; i++) {
      const [a, b] = [readings[i - 1]!, readings[i]!];
      const elapsedMs = b.hostTimeMs - a.hostTimeMs;
      const busiest = Math.max(
        ...b.disks.map((d) => {
          const before = a.disks.find((x) => x.device === d.device)!;
          return d.stat.ioTicksMs - before.stat.ioTicksMs;
        }),
      );
      // As the collector's hostDiskSample counts it: never more busy time than time.
      busy.push(Math.min(busiest, elapsedMs) / elapsedMs);
    }
    // io_ticks moves in 4 ms jiffies: 10 s intervals read within 0.1% of the truth.
    for (const b of busy) expect(b).toBeGreaterThanOrEqual(0.99);
  });
});
