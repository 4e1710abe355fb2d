// Picking the other root at pygrub's menu, end to end: a customer watches the web console
// (real HTTP, real WebSocket; a second viewer over the SSH gateway), reboots the server through the API and, on the same console
// (the hub re-attaches across the reboot), picks the second entry at the simulated Dom0's pygrub menu, logs in and finds the other root mounted as /.
// carve's record of the server does not change: the pick is for this boot only.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleGatewayServer } from '@carve/console-gateway';
import { Client, utils } from 'ssh2';
import { lvForDevice } from '../apps/dom0-sim/src/state/vfs';
import { isRefusal, openConsole, type ConsoleClient } from './support/console-client';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

/** pygrub draws the selected entry in reverse video. */
const REVERSE_VIDEO = '\x1b\\[7m';

let stack: Stack;
let baseUrl: string;
let tenant: TenantWithPool;
let server: { id: string; name: string; domainName: string };
let gatewayPort: number;
let gatewayKey: string;
let dir: string;

/** The server's console over the SSH gateway: what it printed so far and a way to wait for text. */
function gatewayConsole(): Promise<{ output(): string; waitFor(needle: string, from?: number): Promise<void>; end(): void }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let text = '';
    const waiters = new Set<() => void>();
    client.on('error', reject);
    client.on('ready', () =>
      client.shell({ term: 'xterm', cols: 80, rows: 24 }, (error, stream) => {
        if (error) return reject(error);
        let closed = false;
        stream.on('close', () => {
          closed = true;
          client.end();
          for (const w of [...waiters]) w();
        });
        stream.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          for (const w of [...waiters]) w();
        });
        resolve({
          output: () => text,
          waitFor: (needle, from = 0) =>
            new Promise<void>((done, fail) => {
              const check = () => {
                if (text.indexOf(needle, from) >= 0) done();
                else if (closed) fail(new Error(`the gateway closed before ${needle}; output ends: ${JSON.stringify(text.slice(-300))}`));
                else return;
                waiters.delete(check);
              };
              waiters.add(check);
              check();
            }),
          end: () => stream.end(),
        });
      }),
    );
    client.connect({ host: '127.0.0.1', port: gatewayPort, username: `${server.name}`, privateKey: gatewayKey });
  });
}

async function connected(serverId: string): Promise<ConsoleClient> {
  const res = await stack.api.request('POST', `/v1/servers/${serverId}/console-tickets`, { token: tenant.token });
  expectStatus(res, 201);
  const c = await openConsole(baseUrl, serverId, res.body.ticket);
  if (isRefusal(c)) throw new Error(`console refused: ${c.status} ${c.text}`);
  return c;
}

async function roots(): Promise<Array<{ device: string; activeRoot: boolean }>> {
  const res = await stack.api.request('GET', `/v1/servers/${server.id}`, { token: tenant.token });
  expectStatus(res, 200);
  return (res.body.disks as Array<{ role: string; device: string; activeRoot: boolean }>).filter((d) => d.role === 'root').map(({ device, activeRoot }) => ({ device, activeRoot }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'carve-pygrub-'));
  stack = await startStack({ hosts: 1, env: { CARVE_CONSOLE_GATEWAY_PORT: '0', CARVE_CONSOLE_GATEWAY_HOST_KEY_PATH: join(dir, 'host_key') } });
  await stack.api.app.listen({ port: 0, host: '127.0.0.1' });
  gatewayPort = (await stack.api.app.get(ConsoleGatewayServer).listen(0, '127.0.0.1')).port;
  baseUrl = `http://127.0.0.1:${(stack.api.app.getHttpServer().address() as AddressInfo).port}`;
  tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  expectStatus(ordered, 202);
  expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('succeeded');
  server = ordered.body.server;
  const users = await stack.api.request('GET', '/v1/users', { token: tenant.token });
  const pair = utils.generateKeyPairSync('ed25519');
  expectStatus(await stack.api.request('POST', `/v1/users/${users.body.items[0].id}/ssh-keys`, { token: tenant.token, body: { name: 'pygrub', publicKey: pair.public } }), 201);
  gatewayKey = pair.private;
}, 120_000);

afterAll(async () => {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('reboots while the customer watches, waits at pygrub for the pick, and boots the second root as /; carve still shows the configured root', async () => {
  const before = await roots();
  expect(before).toEqual([
    { device: 'xvda', activeRoot: true },
    { device: 'xvdb', activeRoot: false },
  ]);

  const watching = await connected(server.id);
  await watching.waitFor(`${server.name} login: `);
  // Nobody touched the menu of the first boot: the countdown ran out and the default (xvda) booted.
  expect(watching.text()).toContain('Command line: root=/dev/xvda ro console=hvc0\r\n');
  // The guest's grub.cfg decides pygrub's timeout (Debian's is 5 s). Before rebooting, the customer
  // set a long one, so this test never races the countdown on a loaded machine.
  const sim = stack.hosts[0]!.sim;
  const domain = sim.state.domains.find((d) => d.name === server.domainName)!;
  const xvdaRoot = lvForDevice(sim.state, domain.disks[0]!.target)!;
  xvdaRoot.filesystem!.files['/boot/grub/grub.cfg'] = 'set timeout=600\n';
  // A second viewer over the SSH gateway shares the stream and stays across the reboot too.
  const ssh = await gatewayConsole();
  await ssh.waitFor(`${server.name} login: `);
  const sshBeforeReboot = ssh.output().length;
  const beforeReboot = watching.text().length;
  const rebooted = await stack.api.request('POST', `/v1/servers/${server.id}/reboot`, { token: tenant.token });
  expectStatus(rebooted, 202);
  // `xl console` ends with the domain it was attached to, as on a real Dom0; the hub finds the
  // domain again on its host and re-attaches, so this same page watches the new boot.
  const restarting = await watching.waitForControl((c) => c.type === 'status' && c.upstream === 'restarting');
  expect(restarting.message).toMatch(/^The console stream ended \(the console detached\); waiting up to 30 s for the domain to come back\.$/);
  const reattached = await watching.waitForControl((c) => c.type === 'status' && c.message === 'Domain restarted, console re-attached.');
  expect(reattached).toMatchObject({ upstream: 'attached', typist: true, viewers: 2 });
  expect((await waitForJob(stack.api, tenant.token, rebooted.body.job.id)).status).toBe('succeeded');

  const con = watching;
  await con.waitFor(/Will boot selected entry in +\d+ seconds/, beforeReboot);
  expect(con.text().slice(beforeReboot)).toMatch(/\(root on xvda\)[\s\S]*\(root on xvdb\)/);
  expect(con.text().slice(beforeReboot)).not.toContain('login:');
  await ssh.waitFor('Will boot selected entry in', sshBeforeReboot);
  const sshSaw = ssh.output().slice(sshBeforeReboot);
  expect(sshSaw).toContain('\r\n[carve] The console stream ended (the console detached); waiting up to 30 s for the domain to come back.\r\n');
  const reattachedLine = sshSaw.indexOf('\r\n[carve] Domain restarted, console re-attached.\r\n');
  expect(reattachedLine).toBeGreaterThanOrEqual(0);
  expect(sshSaw.indexOf('pyGRUB', reattachedLine)).toBeGreaterThan(reattachedLine);
  ssh.end();
  con.type('\x1b[B'); // down: the second entry, and the countdown stops
  await con.waitFor(new RegExp(`${REVERSE_VIDEO} [^\r]*\\(root on xvdb\\)`));
  const picked = con.text().length;
  con.type('\r');
  await con.waitFor(`${server.name} login: `, picked);
  expect(con.text().slice(picked)).toContain('Command line: root=/dev/xvdb ro console=hvc0\r\n');
  expect(con.text().slice(picked)).toContain('EXT4-fs (xvdb): mounted filesystem');

  con.type('root\r');
  await con.waitFor('Password: ', picked);
  con.type('secret\r');
  const prompt = `root@${server.name}:~# `;
  await con.waitFor(prompt, picked);
  const shell = con.text().length;
  con.type('findmnt /\rcat /proc/cmdline\r');
  await con.waitFor(`cat /proc/cmdline\r\nroot=/dev/xvdb ro console=hvc0\r\n${prompt}`, shell);
  expect(con.text().slice(shell)).toMatch(/TARGET SOURCE +FSTYPE +OPTIONS\r\n\/ +\/dev\/xvdb +ext4 +rw,relatime\r\n/);

  // carve configured xvda's root and still does: the next boot without a pick runs it again.
  expect(await roots()).toEqual(before);
  con.ws.close(1000);
  await con.closed;
}, 120_000);
