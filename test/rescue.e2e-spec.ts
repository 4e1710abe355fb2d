// Rescue mode end to end: HTTP in, the worker's jobs over SSH on a simulated Dom0, and what
// the Dom0 then shows (`xl list -l`, the files in /etc/xen, the LVs). Also: the state machine
// while in rescue, a rescue entry that fails on the host, delete in rescue, metering in rescue.
import type { AddressInfo } from 'node:net';
import { utils } from 'ssh2';
import { HostRepository } from '@carve/inventory';
import { HostCollector } from '@carve/metering';
import { parseXlListLong, type XlDomainDetail } from '@carve/xen';
import { SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { isRefusal, openConsole } from './support/console-client';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TEST_SSH_KEY, TenantWithPool, waitForJob } from './support/stack';

const KERNEL = '/var/lib/carve/rescue/vmlinuz';
const RAMDISK = '/var/lib/carve/rescue/initrd.img';

let stack: Stack;
let tenant: TenantWithPool;
let ssh: SimClient;
let userKey: string;
let baseUrl: string;

interface Ordered {
  id: string;
  domainName: string;
  disks: { device: string; volumeName: string }[];
}

async function run(line: string, stdin?: string): Promise<string> {
  const result = await ssh.exec(line, stdin);
  if (result.exitCode !== 0) throw new Error(`${line}: exit ${result.exitCode}: ${result.stderr}`);
  return result.stdout;
}

async function detail(domainName: string): Promise<XlDomainDetail | undefined> {
  return parseXlListLong(await run('xl list -l')).find((d) => d.name === domainName);
}

async function fileOnHost(path: string): Promise<string | null> {
  const result = await ssh.exec(`cat ${path}`);
  return result.exitCode === 0 ? result.stdout : null;
}

// Actions with an optional body (stop's timeout) take an empty object.
const request = (method: string, path: string, token = tenant.token) => stack.api.request(method, path, { token, ...(method === 'POST' ? { body: {} } : {}) });
const current = async (id: string) => (await request('GET', `/v1/servers/${id}`)).body;

async function accepted(method: string, path: string) {
  const res = await request(method, path);
  expectStatus(res, 202);
  return { res, job: await waitForJob(stack.api, tenant.token, res.body.job.id) };
}

async function order(name: string): Promise<Ordered> {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name }) });
  expectStatus(ordered, 202);
  const job = await waitForJob(stack.api, tenant.token, ordered.body.job.id);
  expect({ status: job.status, error: job.error }).toEqual({ status: 'succeeded', error: null });
  return ordered.body.server;
}

/** [pdev_path, vdev] of the server's disks in position order, as its normal config attaches them. */
const diskLayout = (server: Ordered) => server.disks.map((d) => [`/dev/vg0/${d.volumeName}`, d.device]);

beforeAll(async () => {
  // The simulated clock starts an hour back, so its metering readings stay in the API's past.
  stack = await startStack({ hosts: 1, sim: { startAt: Date.now() / 1000 - 3600 }, env: { METERING_INTERVAL_SECONDS: '0' } });
  tenant = await customerWithPool(stack.api, { memoryMiB: 16384, vcpus: 16, diskGiB: 500 });
  await stack.api.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(stack.api.app.getHttpServer().address() as AddressInfo).port}`;
  ssh = await SimClient.connect(stack.hosts[0]!.sim.port, stack.hosts[0]!.sim.adminPrivateKey);
  // A key on the customer's user: the rescue system authorises it beside the server's own.
  const users = await request('GET', '/v1/users');
  userKey = utils.generateKeyPairSync('ed25519').public;
  expectStatus(await stack.api.request('POST', `/v1/users/${users.body.items[0].id}/ssh-keys`, { token: tenant.token, body: { name: 'laptop', publicKey: userKey } }), 201);
});
afterAll(async () => {
  if (ssh) {
    const closed = ssh.closed();
    ssh.end();
    await closed;
  }
  await stack?.close();
});

describe('rescue mode', () => {
  let server: Ordered;
  let normalConfig: string | null;
  let mac: string | undefined;

  beforeAll(async () => {
    server = await order('rescued');
    normalConfig = await fileOnHost(`/etc/xen/${server.domainName}.cfg`);
    mac = (await detail(server.domainName))?.nics[0]?.mac;
  });

  it('boots the rescue kernel with every disk at its vdev, the same vif, DHCP and the SSH keys', async () => {
    const { res, job } = await accepted('POST', `/v1/servers/${server.id}/rescue`);
    expect(res.body.server.state).toBe('entering_rescue');
    expect(res.body.job.type).toBe('server.rescue');
    expect(job).toMatchObject({ status: 'succeeded' });
    expect(job.steps.map((s: { name: string }) => s.name)).toEqual(['write rescue config', 'shut down domain', 'create rescue domain', 'apply cpu limits', 'mark rescue']);
    expect((await current(server.id)).state).toBe('rescue');

    const rescued = (await detail(server.domainName))!;
    expect(rescued).toMatchObject({ type: 'pv', kernel: KERNEL, ramdisk: RAMDISK, bootloader: undefined });
    expect(rescued.disks.map((d) => [d.pdevPath, d.vdev])).toEqual(diskLayout(server));
    expect(rescued.disks).toHaveLength(4);
    expect(rescued.nics.map((n) => n.mac)).toEqual([mac]);
    expect(rescued.cmdline).toMatch(/^boot=live console=hvc0 ip=::::rescued::dhcp carve\.ssh_keys=\S+$/);
    const keys = Buffer.from(/carve\.ssh_keys=(\S+)/.exec(rescued.cmdline!)![1]!, 'base64').toString('utf8');
    const bare = (line: string) => line.split(' ').slice(0, 2).join(' ');
    expect(keys).toBe(`${bare(TEST_SSH_KEY)}\n${bare(userKey)}\n`);

    // The normal config is untouched; the rescue one sits beside it.
    expect(await fileOnHost(`/etc/xen/${server.domainName}.cfg`)).toBe(normalConfig);
    expect(await fileOnHost(`/etc/xen/${server.domainName}.rescue.cfg`)).toContain(`kernel     = "${KERNEL}"`);
  });

  it('allows only exit, console and delete while in rescue', async () => {
    for (const [method, path] of [
      ['POST', 'stop'],
      ['POST', 'reboot'],
      ['POST', 'start'],
      ['POST', 'switch-root'],
      ['POST', 'rescue'],
    ]) {
      const res = await request(method!, `/v1/servers/${server.id}/${path}`);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'action_not_allowed', state: 'rescue', allowedActions: ['rescue-exit', 'console', 'delete'] });
    }
    // The console is the rescue system's.
    const ticket = await request('POST', `/v1/servers/${server.id}/console-tickets`);
    expectStatus(ticket, 201);
    const console = await openConsole(baseUrl, server.id, ticket.body.ticket);
    if (isRefusal(console)) throw new Error(`console refused: ${console.status} ${console.text}`);
    await console.waitFor(/Booting paravirtualized kernel on Xen/);
    console.ws.close();
    await console.closed;
    const resize = await stack.api.request('POST', `/v1/servers/${server.id}/resize`, { token: tenant.token, body: { memoryMiB: 2048 } });
    expect(resize.status).toBe(409);
    expect((await current(server.id)).state).toBe('rescue');
    // Only the running server's own audited request is there: the refusals changed nothing.
    const audit = await request('GET', `/v1/audit-events?objectId=${server.id}&action=servers.rescue`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'servers.rescue', objectType: 'server', customerId: tenant.customerId, actor: { kind: 'customer' } });
  });

  it('keeps metering the domain in rescue (same name) and the server keeps its reservation', async () => {
    const hostRow = (await stack.worker!.get(HostRepository).findById(stack.hosts[0]!.id))!;
    const collector = stack.worker!.get(HostCollector);
    const first = await collector.collect(hostRow, 60_000);
    await run(`carve-sim workload ${server.domainName} web`);
    const second = await collector.collect(hostRow, 60_000);
    expect(first).toMatchObject({ status: 'collected', unknownDomains: [] });
    expect(second).toMatchObject({ status: 'collected', unknownDomains: [] });
    const [row] = await stack.api.db.query(`SELECT count(*)::int AS n FROM usage_samples WHERE server_id = $1`, [server.id]);
    expect(row.n).toBeGreaterThan(0);
    const [held] = await stack.api.db.query(`SELECT holds_reservation FROM servers WHERE id = $1`, [server.id]);
    expect(held.holds_reservation).toBe(true);
  });

  it('exit boots the normal config again (pygrub, the same disks) and removes the rescue config', async () => {
    const { res, job } = await accepted('POST', `/v1/servers/${server.id}/rescue/exit`);
    expect(res.body.server.state).toBe('leaving_rescue');
    expect(job).toMatchObject({ status: 'succeeded', type: 'server.rescue-exit' });
    expect((await current(server.id)).state).toBe('running');
    const normal = (await detail(server.domainName))!;
    expect(normal).toMatchObject({ kernel: undefined, ramdisk: undefined, cmdline: undefined, bootloader: 'pygrub' });
    expect(normal.disks.map((d) => [d.pdevPath, d.vdev])).toEqual(diskLayout(server));
    expect(await fileOnHost(`/etc/xen/${server.domainName}.cfg`)).toBe(normalConfig);
    expect(await fileOnHost(`/etc/xen/${server.domainName}.rescue.cfg`)).toBeNull();
    const audit = await request('GET', `/v1/audit-events?objectId=${server.id}&action=servers.rescue-exit`);
    expect(audit.body.items).toHaveLength(1);
    // Back to normal: the usual actions are allowed again.
    const exitAgain = await request('POST', `/v1/servers/${server.id}/rescue/exit`);
    expect(exitAgain.status).toBe(409);
    expect(exitAgain.body.allowedActions).toContain('rescue');
  });

  it('a rescue whose kernel is missing on the host fails with a clear error and leaves the server running normally', async () => {
    const kernel = await run(`cat ${KERNEL}`);
    await run(`rm -f ${KERNEL}`);
    try {
      const { job } = await accepted('POST', `/v1/servers/${server.id}/rescue`);
      expect(job).toMatchObject({ status: 'failed', errorCode: 'boot_file_missing' });
      // The guest had been shut down for the rescue: the undo booted its normal config again (a new domain).
      expect(job.steps.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['shut down domain', 'undo: destroy rescue domain', 'undo: remove rescue config', 'undo: boot the normal config']));
      expect(job.steps.find((s: { name: string }) => s.name === 'undo: boot the normal config').note).toMatch(/xl create: domid \d+/);
      expect(job.error).toMatch(/kernel or ramdisk/);
      expect((await current(server.id)).state).toBe('running');
      const normal = (await detail(server.domainName))!;
      expect(normal).toMatchObject({ bootloader: 'pygrub', kernel: undefined });
      expect(normal.disks.map((d) => [d.pdevPath, d.vdev])).toEqual(diskLayout(server));
      expect(await fileOnHost(`/etc/xen/${server.domainName}.rescue.cfg`)).toBeNull();
      expect(await fileOnHost(`/etc/xen/${server.domainName}.cfg`)).toBe(normalConfig);
    } finally {
      await run(`cat > ${KERNEL}`, kernel);
    }
  });

  it('a stopped server rescued and deleted in rescue leaves nothing on the host', async () => {
    const doomed = await order('doomed');
    expect((await accepted('POST', `/v1/servers/${doomed.id}/stop`)).job.status).toBe('succeeded');
    expect((await accepted('POST', `/v1/servers/${doomed.id}/rescue`)).job.status).toBe('succeeded');
    expect((await detail(doomed.domainName))?.kernel).toBe(KERNEL);
    const { job } = await accepted('DELETE', `/v1/servers/${doomed.id}`);
    expect(job.status).toBe('succeeded');
    expect(job.steps.map((s: { name: string }) => s.name)).toContain('remove rescue config');
    expect((await current(doomed.id)).state).toBe('deleted');
    expect(await detail(doomed.domainName)).toBeUndefined();
    expect(await fileOnHost(`/etc/xen/${doomed.domainName}.cfg`)).toBeNull();
    expect(await fileOnHost(`/etc/xen/${doomed.domainName}.rescue.cfg`)).toBeNull();
    const lvs = await run('lvs --noheadings -o lv_name vg0');
    for (const disk of doomed.disks) expect(lvs).not.toContain(disk.volumeName);
  });

  it('a rescue or an exit cancelled before its job ran returns the server to where it was', async () => {
    await stack.stopWorker();
    try {
      const asked = await request('POST', `/v1/servers/${server.id}/rescue`);
      expectStatus(asked, 202);
      expect((await current(server.id)).state).toBe('entering_rescue');
      expectStatus(await request('POST', `/v1/jobs/${asked.body.job.id}/cancel`), 200);
      expect((await current(server.id)).state).toBe('running');
    } finally {
      await stack.startWorker();
    }
    expect((await accepted('POST', `/v1/servers/${server.id}/rescue`)).job.status).toBe('succeeded');
    await stack.stopWorker();
    try {
      const asked = await request('POST', `/v1/servers/${server.id}/rescue/exit`);
      expectStatus(asked, 202);
      expect((await current(server.id)).state).toBe('leaving_rescue');
      expectStatus(await request('POST', `/v1/jobs/${asked.body.job.id}/cancel`), 200);
      expect((await current(server.id)).state).toBe('rescue');
      expect((await detail(server.domainName))?.kernel).toBe(KERNEL);
    } finally {
      await stack.startWorker();
    }
    expect((await accepted('POST', `/v1/servers/${server.id}/rescue/exit`)).job.status).toBe('succeeded');
    expect((await detail(server.domainName))?.bootloader).toBe('pygrub');
  });

  it('refuses (409, nothing queued) when the keys would not fit the rescue command line', async () => {
    const big = await stack.api.request('POST', '/v1/servers', {
      token: tenant.token,
      body: orderBody(stack, tenant.poolId, {
        name: 'bigkeys',
        sshKeys: [utils.generateKeyPairSync('rsa', { bits: 4096 }).public, utils.generateKeyPairSync('rsa', { bits: 4096 }).public],
        disks: [{ label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'root' }],
      }),
    });
    expectStatus(big, 202);
    expect((await waitForJob(stack.api, tenant.token, big.body.job.id)).status).toBe('succeeded');
    const res = await request('POST', `/v1/servers/${big.body.server.id}/rescue`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'rescue_keys_too_long' });
    expect(res.body.detail ?? res.body.title).toMatch(/1023/);
    expect((await current(big.body.server.id)).state).toBe('running');
    const jobs = await request('GET', `/v1/jobs?serverId=${big.body.server.id}`);
    expect(jobs.body.items.map((j: { type: string }) => j.type)).toEqual(['server.create']);
  });
});
