// Test support for the handler specs: a migrated PostgreSQL, a simulated Dom0 over real
// SSH, rows inserted as the order and action services insert them, and a JobContext
// whose step() records steps (and the Dom0 command lines each ran) as the worker would.
import { randomUUID } from 'node:crypto';
import { Clock, SystemClock } from '@carve/core';
import { dataSourceOptions } from '@carve/database';
import { generateEd25519KeyPair, startSimHost, type SimHost, type SimHostOptions } from '@carve/dom0-sim';
import { Host, HostRepository } from '@carve/inventory';
import { Job, JobContext, JobParams, JobStep, JobType } from '@carve/jobs';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { DedicatedPoolSizer, PoolAllocator, PoolRepository } from '@carve/pools';
import { createTestDatabase, type TestDatabase } from '@carve/testing';
import { agentExecutorFor, Dom0Client, Dom0CommandInput, Dom0Executor, Dom0Target, ExecOptions, ExecResult, SshConnectionPool } from '@carve/xen';
import { DataSource, EntityManager } from 'typeorm';
import { ServerDisk } from '../server-disk.entity';
import { inBootOrder, type DiskRequest } from '../server-order.rules';
import { domainNameFor, volumeNameFor } from '../server-naming';
import { FailedActionUndo } from './failed-action-undo';
import { ServerReservations } from '../server-reservations';
import { Server } from '../server.entity';
import { ServerRepository } from '../server.repository';
import { ServerJobSupport } from './server-job-support';

export const IMAGE_ARCHIVE = '/var/lib/carve/images/debian-12.tar.gz';
export const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkCarveSpecKey customer@laptop';

/** A JobContext for one attempt, recording what the worker's step() records. */
export interface TestJobContext<T extends JobType> extends JobContext<T> {
  /** The job's steps after this attempt (earlier attempts' succeeded steps included). */
  readonly steps: JobStep[];
  /** Every Dom0 command line this attempt ran. */
  readonly commands: string[];
  note(step: string): string | undefined;
}

export interface ServerOrderSpec {
  name: string;
  memoryMiB?: number;
  maxMemoryMiB?: number;
  vcpus?: number;
  maxVcpus?: number;
  disks: DiskRequest[];
}

export interface Allocation {
  pool: { memoryMiB: number; vcpus: number; diskGiB: number; servers: number };
  host: { memoryMiB: number; vcpus: number; diskGiB: number; servers: number };
}

class RecordingExecutor implements Dom0Executor {
  constructor(
    private readonly inner: Dom0Executor,
    private readonly onCommand: (line: string) => void,
  ) {}

  exec(target: Dom0Target, command: Dom0CommandInput, options?: ExecOptions): Promise<ExecResult> {
    this.onCommand(command.line);
    return this.inner.exec(target, command, options);
  }
}

export class HandlerTestBed {
  readonly servers: ServerRepository;
  readonly reservations: ServerReservations;
  readonly support: ServerJobSupport;
  readonly undo: FailedActionUndo;
  readonly clock: Clock = new SystemClock();
  customerId: string;
  poolId: string;
  imageId: string;
  host: Host;

  private constructor(
    readonly db: DataSource,
    private readonly database: TestDatabase,
    readonly sim: SimHost,
    private readonly ssh: SshConnectionPool,
    private readonly target: Omit<Dom0Target, 'hostId'>,
  ) {
    this.servers = new ServerRepository(db);
    const pools = new PoolRepository(db);
    this.reservations = new ServerReservations(new PoolAllocator(pools, new DedicatedPoolSizer(pools, this.clock)), new HostRepository(db), this.servers);
    this.support = new ServerJobSupport(this.servers);
    this.undo = new FailedActionUndo(this.support, this.reservations);
  }

  static async start(simOptions: Partial<SimHostOptions> = {}): Promise<HandlerTestBed> {
    const database = await createTestDatabase({ migrate: true });
    const db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
    await db.initialize();
    const key = generateEd25519KeyPair();
    const sim = await startSimHost({ port: 0, timeFactor: 100, ...simOptions, authorizedKeys: [key.public] });
    const bed = new HandlerTestBed(db, database, sim, new SshConnectionPool(), {
      address: '127.0.0.1',
      port: sim.port,
      username: 'root',
      privateKey: key.private,
      expectedHostKeyFingerprint: sim.hostKeyFingerprint,
    });
    await bed.seed();
    return bed;
  }

  /** A customer with a shared pool, the simulator registered as a host, and the debian image: what the operator sets up. */
  private async seed(): Promise<void> {
    const [customer] = await this.db.query(`INSERT INTO customers (name) VALUES ($1) RETURNING id`, [`handlers ${randomUUID().slice(0, 8)}`]);
    this.customerId = customer.id;
    const [host] = await this.db.query(
      `INSERT INTO hosts (name, ssh_address, ssh_port, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group,
                          volume_group_size_gib, transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency)
       VALUES ($1, '127.0.0.1', $2, $3, $4, $5, $6, 'vg0', $7, 20000, 1000, 9900, 'EUR') RETURNING id`,
      [this.sim.name, this.sim.port, this.sim.hostKeyFingerprint, this.sim.state.cpus, this.sim.state.totalMemoryMiB, this.sim.state.dom0MemMiB, Math.floor(this.sim.state.vg.sizeBytes / 1024 ** 3)],
    );
    this.host = (await this.db.getRepository(Host).findOneByOrFail({ id: host.id }))!;
    const [pool] = await this.db.query(
      `INSERT INTO pools (customer_id, name, kind, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, 'main', 'shared', 32768, 32, 500, 1000) RETURNING id`,
      [this.customerId],
    );
    this.poolId = pool.id;
    const [image] = await this.db.query(`INSERT INTO images (name, archive_path) VALUES ('debian-12', $1) RETURNING id`, [IMAGE_ARCHIVE]);
    this.imageId = image.id;
  }

  /** What ServerOrderService.order commits: pool and host reserved, the server and its disks pending. */
  async order(spec: ServerOrderSpec): Promise<Server> {
    const memoryMiB = spec.memoryMiB ?? 1024;
    const vcpus = spec.vcpus ?? 1;
    return this.servers.transaction(async (manager) => {
      const diskGiB = spec.disks.reduce((sum, d) => sum + d.sizeGiB, 0);
      const { host } = await this.reservations.reserveForOrder(manager, { customerId: this.customerId, poolId: this.poolId, memoryMiB, vcpus, diskGiB });
      const id = randomUUID();
      const domainName = domainNameFor(spec.name, id);
      const server = await this.servers.insertServer(
        {
          id,
          customerId: this.customerId,
          poolId: this.poolId,
          hostId: host.id,
          imageId: this.imageId,
          name: spec.name,
          domainName,
          state: 'pending',
          memoryMiB,
          maxMemoryMiB: spec.maxMemoryMiB ?? memoryMiB,
          vcpus,
          maxVcpus: spec.maxVcpus ?? vcpus,
          sshPublicKeys: [SSH_KEY],
          pendingReboot: false,
          holdsReservation: true,
          failureReason: null,
          deletedAt: null,
        },
        manager,
      );
      const disks = await this.servers.insertDisks(
        inBootOrder(spec.disks).map((d, position) => ({
          serverId: id,
          customerId: this.customerId,
          label: d.label,
          role: d.role,
          filesystem: d.filesystem,
          sizeGiB: d.sizeGiB,
          inodes: d.inodes ?? null,
          bytesPerInode: d.bytesPerInode ?? null,
          volumeName: volumeNameFor(domainName, d.label),
          position,
          state: 'pending' as const,
        })),
        manager,
      );
      server.activeRootDiskId = disks[0]!.id;
      return this.servers.saveServer(server, manager);
    });
  }

  /** Changes the server as an API request does before its job runs (state, sizes, reservations), under the row lock. */
  request(serverId: string, change: (manager: EntityManager, server: Server, disks: ServerDisk[]) => Promise<void>): Promise<void> {
    return this.servers.transaction(async (manager) => {
      const server = (await this.servers.lockById(serverId, manager))!;
      await change(manager, server, await this.servers.disksOf([serverId], manager));
      await this.servers.saveServer(server, manager);
    });
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  async server(id: string): Promise<{ server: Server; disks: ServerDisk[] }> {
    return { server: (await this.servers.findById(id))!, disks: await this.servers.disksOf([id]) };
  }

  /**
   * One attempt of a job. Pass the steps of an earlier attempt to resume: steps that
   * succeeded then are skipped, as the worker skips them.
   */
  context<T extends JobType>(type: T, serverId: string, params: JobParams[T], earlier: JobStep[] = []): TestJobContext<T> {
    const steps: JobStep[] = earlier.map((s) => ({ ...s }));
    const commands: string[] = [];
    let current: JobStep | undefined;
    const job = Object.assign(new Job(), {
      id: randomUUID(),
      serverId,
      customerId: this.customerId,
      hostId: this.host.id,
      type,
      params: params as Record<string, unknown>,
      status: 'running' as const,
      steps,
      attempts: 1,
    });
    const dom0 = new Dom0Client(
      new RecordingExecutor(agentExecutorFor(this.ssh), (line) => {
        commands.push(line);
        if (current) (current.commands ??= []).push(line);
      }),
      { ...this.target, hostId: this.host.id },
      { volumeGroup: this.host.volumeGroup },
    );
    return {
      job,
      params,
      host: this.host,
      dom0,
      target: null,
      lastAttempt: false,
      steps,
      commands,
      note: (name) => steps.find((s) => s.name === name)?.note,
      async step(name, work) {
        const existing = steps.find((s) => s.name === name);
        if (existing?.status === 'succeeded') return;
        const step: JobStep = existing ?? { name, status: 'pending' };
        if (!existing) steps.push(step);
        step.status = 'running';
        step.startedAt = new Date().toISOString();
        current = step;
        try {
          await work({ command: (line) => (step.commands ??= []).push(line), note: (text) => (step.note = text) });
          step.status = 'succeeded';
        } catch (error) {
          step.status = 'failed';
          step.error = error instanceof Error ? error.message : String(error);
          throw error;
        } finally {
          step.finishedAt = new Date().toISOString();
          current = undefined;
        }
      },
    };
  }

  async allocation(): Promise<Allocation> {
    const [pool] = await this.db.query(`SELECT allocated_memory_mib AS m, allocated_vcpus AS v, allocated_disk_gib AS d, server_count AS s FROM pools WHERE id = $1`, [this.poolId]);
    const [host] = await this.db.query(`SELECT allocated_memory_mib AS m, allocated_vcpus AS v, allocated_disk_gib AS d, server_count AS s FROM hosts WHERE id = $1`, [this.host.id]);
    const of = (row: { m: number; v: number; d: number; s: number }) => ({ memoryMiB: row.m, vcpus: row.v, diskGiB: row.d, servers: row.s });
    return { pool: of(pool), host: of(host) };
  }

  /** The simulated Dom0, as the specs check it. */
  lvNames(): string[] {
    return this.sim.state.vg.lvs.map((lv) => lv.name).sort();
  }

  lv(name: string) {
    return this.sim.state.vg.lvs.find((lv) => lv.name === name);
  }

  domain(name: string) {
    return this.sim.state.domains.find((d) => d.name === name);
  }

  configText(domainName: string): string | undefined {
    return this.sim.state.files[`/etc/xen/${domainName}.cfg`];
  }

  async close(): Promise<void> {
    await this.ssh.close();
    await this.sim.close();
    await this.db.destroy();
    await this.database.drop();
  }
}
