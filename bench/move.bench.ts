/**
 * `npm run bench:move [-- --rate MBPS]`: moves a server with 10 GiB of volumes between two
 * simulated hosts through carve (POST /v1/servers/:id/move: the worker streams every volume
 * from the source's `dd` to the target's over its two pooled SSH connections, hashing the
 * bytes, then compares sha256 at both ends, starts the server on the target and cleans the
 * source), then, in the same run, streams the same volumes back with a plain script over two
 * SSH connections (`dd if= | dd of=`, nothing else). Target: carve's move at most 1.2x the
 * plain copy. Prints the copy rate of both. The API, the worker and the simulated hosts run
 * in child processes, as in bench:provision; `--rate` sets the hosts' `carve-sim stream-rate`
 * (default 0: as fast as the hosts stream); `--small` moves 2 GiB (root and data, 1 GiB each)
 * instead of 10 GiB, for quick iterations.
 */
import 'reflect-metadata';
import { startBenchStack } from './provision/bench-stack';
import { connect, plainCopy, run } from './move/plain-copy';

const GiB = 1024 ** 3;
const TARGET_RATIO = 1.2;
const DISKS = process.argv.includes('--small')
  ? [
      { label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' },
      { label: 'data', sizeGiB: 1, filesystem: 'xfs', role: 'data' },
    ]
  : [
      { label: 'root', sizeGiB: 6, filesystem: 'ext4', role: 'root' },
      { label: 'data', sizeGiB: 3, filesystem: 'xfs', role: 'data' },
      { label: 'swap', sizeGiB: 1, filesystem: 'swap', role: 'swap' },
    ];

function log(line: string): void {
  console.log(`[bench:move] ${line}`);
}

interface JobRow {
  status: string;
  error: string | null;
  steps: { name: string; startedAt?: string; finishedAt?: string; note?: string }[];
  created_at: Date;
  finished_at: Date | null;
}

async function main(): Promise<void> {
  const rateArg = process.argv.indexOf('--rate');
  const rate = rateArg >= 0 ? Number(process.argv[rateArg + 1]) : 0;
  log('starting carve (API, worker and two simulated hosts as child processes)');
  const stack = await startBenchStack(2);
  try {
    const [a, b] = stack.hosts;
    const keyPath = stack.config.sshPrivateKeyPath!;
    const [ca, cb] = await Promise.all([connect(a!.sim, keyPath), connect(b!.sim, keyPath)]);
    for (const c of [ca, cb]) await run(c, `carve-sim stream-rate ${rate}`);

    const customer = await stack.api.post<{ id: string }>('/v1/customers', { name: 'Move Bench', adminName: 'Bench Admin', adminEmail: 'move-bench@example.com' }, 'move-bench-customer');
    const size = { memoryMiB: 8192, vcpus: 8, diskGiB: 100, transferGB: 1000 };
    await stack.api.put(`/v1/customers/${customer.id}/pool-ceiling`, size);
    const token = await stack.api.post<{ token: string }>(`/v1/customers/${customer.id}/tokens`, { name: 'bench' }, 'move-bench-token');
    const tenant = stack.api.as(token.token);
    const pool = await tenant.post<{ id: string }>('/v1/pools', { name: 'bench', kind: 'shared', ...size }, 'move-bench-pool');
    const sshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bench@carve';
    const ordered = await tenant.post<{ server: { id: string; domainName: string; hostId: string }; job: { id: string } }>(
      '/v1/servers',
      { name: 'mover', poolId: pool.id, imageId: stack.imageId, memoryMiB: 1024, vcpus: 1, sshKeys: [sshKey], disks: DISKS },
      'move-bench-order',
    );
    await waitJob(stack.db, ordered.job.id, 120_000);
    const sourceId = ordered.server.hostId;
    const target = stack.hosts.find((h) => h.id !== sourceId)!;
    const totalBytes = DISKS.reduce((s, d) => s + d.sizeGiB, 0) * GiB;
    log(`server ${ordered.server.domainName} built with ${totalBytes / GiB} GiB of volumes; moving it`);

    const moveStarted = Date.now();
    const moved = await stack.api.post<{ move: { id: string }; job: { id: string } }>(`/v1/servers/${ordered.server.id}/move`, { targetHostId: target.id }, 'move-bench-move');
    const job = await waitJob(stack.db, moved.job.id, 1_800_000);
    const moveMs = Date.now() - moveStarted;
    if (job.status !== 'succeeded') throw new Error(`the move failed: ${job.error}`);
    const [record] = (await stack.db.query('SELECT volumes FROM server_moves WHERE id = $1', [moved.move.id])) as { volumes: { bytes: number; seconds: number; streamedSha256: string; sourceSha256: string; targetSha256: string }[] }[];
    const copied = record!.volumes.reduce((s, v) => s + v.bytes, 0);
    const copySeconds = record!.volumes.reduce((s, v) => s + v.seconds, 0);
    const allMatch = record!.volumes.every((v) => v.sourceSha256 === v.streamedSha256 && v.targetSha256 === v.streamedSha256);
    log(`move: ${(moveMs / 1000).toFixed(1)} s from the request to the job's end; ${(copied / GiB).toFixed(1)} GiB copied in ${copySeconds.toFixed(1)} s (${(copied / copySeconds / 1e6).toFixed(1)} MB/s); checksums ${allMatch ? 'match at both ends' : 'DO NOT MATCH'}`);
    for (const step of job.steps) {
      const ms = step.startedAt && step.finishedAt ? Date.parse(step.finishedAt) - Date.parse(step.startedAt) : 0;
      log(`  ${step.name.padEnd(48)} ${(ms / 1000).toFixed(2).padStart(8)} s`);
    }

    // The same bytes, streamed back by a plain script over two SSH connections.
    const source = target.sim === b!.sim ? cb : ca;
    const back = target.sim === b!.sim ? ca : cb;
    const devices = DISKS.map((d) => `/dev/vg0/${ordered.server.domainName}-${d.label}`);
    for (const d of DISKS) {
      const made = await run(back, `lvcreate -n ${ordered.server.domainName}-${d.label} -L ${d.sizeGiB}G vg0`);
      // ssh2 does not always report the exit status of a short command before the close: the output says it.
      if (made.code > 0 || !/created/.test(made.stdout)) throw new Error(`lvcreate: ${made.code} ${made.stdout} ${made.stderr}`);
    }
    const plainStarted = Date.now();
    let plainBytes = 0;
    for (const device of devices) plainBytes += await plainCopy(source, back, device);
    const plainMs = Date.now() - plainStarted;
    log(`plain script: ${(plainBytes / GiB).toFixed(1)} GiB in ${(plainMs / 1000).toFixed(1)} s (${(plainBytes / (plainMs / 1000) / 1e6).toFixed(1)} MB/s)`);
    const sums = await Promise.all(devices.map(async (d) => [(await run(source, `sha256sum ${d}`)).stdout.split(' ')[0], (await run(back, `sha256sum ${d}`)).stdout.split(' ')[0]]));
    log(`plain script copies ${sums.every(([x, y]) => x === y) ? 'match' : 'DO NOT MATCH'} their sources`);

    const ratio = moveMs / plainMs;
    const copyRatio = (copySeconds * 1000) / plainMs;
    console.log('');
    console.log(`move (whole job)      ${(moveMs / 1000).toFixed(1)} s   ${(copied / (moveMs / 1000) / 1e6).toFixed(1)} MB/s overall`);
    console.log(`move (copy steps)     ${copySeconds.toFixed(1)} s   ${(copied / copySeconds / 1e6).toFixed(1)} MB/s copy rate`);
    console.log(`plain dd | dd script  ${(plainMs / 1000).toFixed(1)} s   ${(plainBytes / (plainMs / 1000) / 1e6).toFixed(1)} MB/s`);
    console.log(`ratio move / plain    ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x): ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}; copy steps alone ${copyRatio.toFixed(2)}x`);
    ca.end();
    cb.end();
  } finally {
    await stack.close();
  }
}

async function waitJob(db: import('typeorm').DataSource, jobId: string, timeoutMs: number): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [job] = (await db.query('SELECT status, error, steps, created_at, finished_at FROM jobs WHERE id = $1', [jobId])) as JobRow[];
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
