// POST /v1/hosts/:id/agent end to end: the real HTTP stack, PostgreSQL, Redis, and a real
// OpenSSH sshd as the Dom0 (its authorized_keys is the file the install rewrites).
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { Redis } from 'ioredis';
import { manualInstallCommand, parsePublicKeyLine } from '@carve/agent-install';
import { generateEd25519KeyPair, TEST_REDIS_URL } from '@carve/testing';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { AgentTestbed, startAgentTestbed } from './support/agent-testbed';
import { createCustomer, hostBody } from './support/fixtures';
import { expectProblem } from './support/problem-assertions';

jest.setTimeout(120_000);

let bed: AgentTestbed;
let api: ApiHarness;

beforeAll(async () => {
  bed = await startAgentTestbed();
  api = await startApiHarness({ CARVE_SSH_PRIVATE_KEY_PATH: bed.carveKeyPath, CARVE_AGENT_INSTALL_ROOT: bed.root, CARVE_AGENT_BUNDLE_PATH: bed.bundlePath });
});

afterAll(async () => {
  await api?.close();
  await bed?.stop();
});

/** Hosts are unique by SSH address and port: each test registers the one sshd afresh and removes it after. */
const registered: string[] = [];
async function registerHost(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await api.request('POST', '/v1/hosts', {
    body: hostBody({ sshAddress: '127.0.0.1', sshPort: bed.sshd.port, sshUser: bed.sshd.username, hostKeyFingerprint: bed.sshd.hostKeyFingerprint, ...overrides }),
  });
  expect(res.status).toBe(201);
  registered.push(res.body.id as string);
  return res.body.id as string;
}

afterEach(async () => {
  for (const id of registered.splice(0)) expect((await api.request('DELETE', `/v1/hosts/${id}`)).status).toBe(204);
});

/** What carve's key gets from the host for a command line, as the worker would send it. */
function execWithCarveKey(line: string, options: { pty?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('error', reject);
    client.once('ready', () => {
      client.exec(line, options.pty ? { pty: true } : {}, (error, channel) => {
        if (error) return reject(error);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        channel.on('data', (c: Buffer) => (stdout += c.toString()));
        channel.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        channel.on('exit', (c: number | null) => (code = c));
        channel.on('close', () => {
          client.end();
          resolve({ code, stdout, stderr });
        });
        channel.end();
      });
    });
    client.connect({ host: '127.0.0.1', port: bed.sshd.port, username: bed.sshd.username, privateKey: bed.carveKey.private });
  });
}

const bootstrap = () => ({ credential: { privateKey: bed.sshd.clientPrivateKey } });
const carveLines = () => bed.authorizedKeys().split('\n').filter((l) => l.includes(bed.carveKey.public.split(' ')[1] as string));

describe('POST /v1/hosts/:id/agent', () => {
  it('refuses bad credentials before connecting, naming the field, and changes nothing on the host', async () => {
    const hostId = await registerHost();
    const before = bed.authorizedKeys();
    const cases: [unknown, string][] = [
      [{}, 'credential'],
      [{ credential: {} }, 'credential'],
      [{ credential: { password: 'x', privateKey: bed.sshd.clientPrivateKey } }, 'credential'],
      [{ credential: { privateKey: 'not a key' } }, 'credential.privateKey'],
      [{ credential: { privateKey: bed.sshd.clientPublicKey } }, 'credential.privateKey'],
      [{ credential: { password: 'x', passphrase: 'y' } }, 'credential.passphrase'],
      [{ ...bootstrap(), port: 0 }, 'port'],
      [{ ...bootstrap(), user: 'root; id' }, 'user'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body });
      expectProblem(res, 400, 'validation_failed');
      expect({ body, fields: res.body.fields.map((f: { field: string }) => f.field) }).toEqual({ body, fields: expect.arrayContaining([field]) });
    }
    expect(bed.authorizedKeys()).toBe(before);
  });

  it('answers 422 naming the field when the host refuses the credential, 404 for an unknown host', async () => {
    const hostId = await registerHost();
    const before = bed.authorizedKeys();
    const wrongKey = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: { credential: { privateKey: generateEd25519KeyPair().private } } });
    expectProblem(wrongKey, 422, 'bootstrap_credential_rejected');
    expect(wrongKey.body.fields).toEqual([{ field: 'credential.privateKey', message: expect.any(String) }]);
    const wrongPassword = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: { credential: { password: 'hunter2-wrong' } } });
    expectProblem(wrongPassword, 422, 'bootstrap_credential_rejected');
    expect(wrongPassword.body.fields).toEqual([{ field: 'credential.password', message: expect.any(String) }]);
    expect(wrongPassword.text).not.toContain('hunter2-wrong');
    expect(bed.authorizedKeys()).toBe(before);
    const unknown = await api.request('POST', '/v1/hosts/00000000-0000-4000-8000-000000000000/agent', { body: bootstrap() });
    expectProblem(unknown, 404, 'not_found');
  });

  it('answers 409 for a host that does not answer and for one offering another host key', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const down = await registerHost({ sshPort: closedPort });
    expectProblem(await api.request('POST', `/v1/hosts/${down}/agent`, { body: bootstrap() }), 409, 'dom0_unreachable');
    const impostor = await registerHost({ hostKeyFingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' });
    const mismatch = await api.request('POST', `/v1/hosts/${impostor}/agent`, { body: bootstrap() });
    expectProblem(mismatch, 409, 'dom0_host_key_mismatch');
    expect(mismatch.body.receivedFingerprint).toBe(bed.sshd.hostKeyFingerprint);
  });

  it('refuses a host that is not Debian 12 or later before writing anything', async () => {
    const hostId = await registerHost();
    const osRelease = join(bed.root, 'etc', 'os-release');
    const real = readFileSync(osRelease, 'utf8');
    writeFileSync(osRelease, 'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nVERSION_ID="24.04"\n');
    try {
      const before = bed.authorizedKeys();
      const res = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: bootstrap() });
      expectProblem(res, 409, 'dom0_unsupported_os');
      expect(res.body.detail).toContain('Ubuntu 24.04');
      expect(bed.authorizedKeys()).toBe(before);
    } finally {
      writeFileSync(osRelease, real);
    }
  });

  it("installs the agent, binds carve's key to it keeping every other line, proves it, and records the version", async () => {
    const hostId = await registerHost();
    // carve's key as it was before the agent: unrestricted, like the simulator's today.
    const bootstrapLine = bed.authorizedKeys().trim();
    writeFileSync(join(bed.sshd.dir, 'authorized_keys'), `${bootstrapLine}\n${bed.carveKey.public}\n# a comment someone keeps\n`);
    expect((await execWithCarveKey('id')).stdout).toMatch(/uid=\d+/);

    const res = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: bootstrap(), headers: { 'idempotency-key': `agent-${hostId}` } });
    expect(res.status).toBe(200);
    expect(res.body.steps.map((s: { name: string }) => s.name)).toEqual(['connect', 'check-os', 'check-node', 'write-agent', 'bind-carve-key', 'prove-version', 'prove-restriction']);
    const version = res.body.agentVersion as string;
    expect(version).toMatch(/^\d/);
    expect(res.body.proof).toEqual({ version, arbitraryCommand: 'id', refused: true, answer: expect.any(String) });

    // The file on the Dom0: the other lines in place, carve's line restricted to the wrapper.
    const wrapper = join(bed.root, 'usr/local/sbin/carve-agent');
    expect(bed.authorizedKeys()).toBe(`${bootstrapLine}\nrestrict,command="${wrapper}" ${bed.carveKey.public.split(' ').slice(0, 2).join(' ')} carve-control-plane\n# a comment someone keeps\n`);
    expect(readFileSync(join(bed.root, 'usr/local/lib/carve-agent/carve-agent.js'), 'utf8')).toBe(bed.bundle);

    // carve's key can now run the agent and nothing else; a pty is refused by `restrict`.
    const hello = await execWithCarveKey('carve-agent version');
    expect(hello.code).toBe(0);
    expect(hello.stdout).toContain(`"version":${version}`);
    for (const line of ['id', "sh -c 'id'", 'cat /etc/shadow', `${wrapper}; id`]) {
      const refused = await execWithCarveKey(line);
      expect({ line, code: refused.code === 0, uid: /uid=\d+|root:/.test(refused.stdout) }).toEqual({ line, code: false, uid: false });
    }

    const host = await api.request('GET', `/v1/hosts/${hostId}`);
    expect(host.body).toMatchObject({ agentVersion: version, agentInstalledAt: res.body.installedAt });

    // The credential is nowhere: not in the replay, the audit trail, or anything stored in Redis.
    const replay = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: bootstrap(), headers: { 'idempotency-key': `agent-${hostId}` } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.steps).toEqual(res.body.steps);
    const secret = bed.sshd.clientPrivateKey.split('\n')[2] as string;
    expect(replay.text).not.toContain(secret);
    const audit: { details: unknown }[] = await api.db.query(`SELECT details FROM audit_events WHERE action = 'hosts.agent.install' AND object_id = $1`, [hostId]);
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toMatch(/privateKey|BEGIN OPENSSH/);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${api.config.redisPrefix}*`);
      const values = await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'string' ? ((await redis.get(k)) ?? '') : '')));
      expect(values.join('\n')).not.toContain(secret);
    } finally {
      redis.disconnect();
    }
  });

  it('upgrades in place: installing again keeps one carve line and answers the same proof', async () => {
    const hostId = await registerHost();
    const first = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: bootstrap() });
    expect(first.status).toBe(200);
    const again = await api.request('POST', `/v1/hosts/${hostId}/agent`, { body: bootstrap() });
    expect(again.status).toBe(200);
    expect(again.body.steps.find((s: { name: string }) => s.name === 'bind-carve-key').detail).toContain("replaced carve's earlier line");
    expect(carveLines()).toHaveLength(1);
    expect(new Date(again.body.installedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.body.installedAt).getTime());
  });

  it('answers a customer 403 and changes nothing', async () => {
    const hostId = await registerHost();
    const customer = await createCustomer(api);
    const before = bed.authorizedKeys();
    const res = await api.request('POST', `/v1/hosts/${hostId}/agent`, { token: customer.adminToken, body: bootstrap() });
    expectProblem(res, 403, 'forbidden');
    expect(bed.authorizedKeys()).toBe(before);
  });

  it("the README's manual install, one command with OpenSSH's ssh, does the same", async () => {
    const bootstrapKey = join(bed.dir, 'bootstrap_ed25519');
    writeFileSync(bootstrapKey, bed.sshd.clientPrivateKey, { mode: 0o600 });
    const knownHosts = join(bed.dir, 'known_hosts');
    writeFileSync(knownHosts, `${bed.sshd.knownHostsLine}\n`);
    const bootstrapLine = bed.authorizedKeys().split('\n').find((l) => l.includes(bed.sshd.clientPublicKey.split(' ')[1] as string)) as string;
    writeFileSync(join(bed.sshd.dir, 'authorized_keys'), `${bootstrapLine}\n${bed.carveKey.public}\n`);
    const command = manualInstallCommand({
      destination: `${bed.sshd.username}@127.0.0.1`,
      sshOptions: ['-p', String(bed.sshd.port), '-i', bootstrapKey, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes'],
      bundlePath: bed.bundlePath,
      carveKey: parsePublicKeyLine(bed.carveKey.public),
      root: bed.root,
    });
    const { stdout } = await promisify(execFile)('bash', ['-c', command]);
    expect(JSON.parse(stdout)).toMatchObject({ agent: 'carve-agent', version: expect.any(Number) });
    expect(carveLines()).toEqual([`restrict,command="${join(bed.root, 'usr/local/sbin/carve-agent')}" ${bed.carveKey.public.split(' ').slice(0, 2).join(' ')} carve-control-plane`]);
    expect(bed.authorizedKeys().startsWith(`${bootstrapLine}\n`)).toBe(true);
    expect((await execWithCarveKey('carve-agent version')).code).toBe(0);
    const refused = await execWithCarveKey('id');
    expect({ code: refused.code, uid: /uid=\d+/.test(refused.stdout) }).toEqual({ code: 2, uid: false });
  });
});

describe('POST /v1/hosts/:id/agent on a Dom0 without node', () => {
  let bare: AgentTestbed;
  let bareApi: ApiHarness;
  let dir: string;
  let bin: string;

  beforeAll(async () => {
    // sshd's SetEnv PATH gives every session a bin directory with the few tools the install uses and no node.
    dir = mkdtempSync(join(tmpdir(), 'carve-agent-bare-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    bare = await startAgentTestbed({ isolateHome: false, extraConfig: [`SetEnv PATH=${bin} HOME=${dir}`] });
    for (const tool of ['cat', 'mkdir', 'mv', 'chmod', 'readlink', 'grep', 'touch', 'env', 'id']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    // apt-get: logs its arguments; `fail` mode answers like a Dom0 without a reachable mirror, otherwise it "installs" node.
    writeFileSync(
      join(bin, 'apt-get'),
      `#!/bin/sh\necho "$*" >> ${join(dir, 'apt.log')}\nif [ -e ${join(dir, 'apt.fail')} ]; then echo 'E: Unable to locate package nodejs' >&2; exit 100; fi\n[ "$1" = install ] && /usr/bin/ln -sf ${process.execPath} ${join(bin, 'node')}\nexit 0\n`,
    );
    chmodSync(join(bin, 'apt-get'), 0o755);
    bareApi = await startApiHarness({ CARVE_SSH_PRIVATE_KEY_PATH: bare.carveKeyPath, CARVE_AGENT_INSTALL_ROOT: bare.root, CARVE_AGENT_BUNDLE_PATH: bare.bundlePath });
  });

  afterAll(async () => {
    await bareApi?.close();
    await bare?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function register(): Promise<string> {
    const res = await bareApi.request('POST', '/v1/hosts', {
      body: hostBody({ sshAddress: '127.0.0.1', sshPort: bare.sshd.port, sshUser: bare.sshd.username, hostKeyFingerprint: bare.sshd.hostKeyFingerprint }),
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('says apt-get could not install nodejs, with its error, and binds nothing', async () => {
    writeFileSync(join(dir, 'apt.fail'), '');
    const hostId = await register();
    const before = bare.authorizedKeys();
    const res = await bareApi.request('POST', `/v1/hosts/${hostId}/agent`, { body: { credential: { privateKey: bare.sshd.clientPrivateKey } } });
    expectProblem(res, 409, 'dom0_node_install_failed');
    expect(res.body.detail).toContain('E: Unable to locate package nodejs');
    expect(res.body.steps.map((s: { name: string }) => s.name)).toEqual(['connect', 'check-os']);
    expect(bare.authorizedKeys()).toBe(before);
    expect(readFileSync(join(dir, 'apt.log'), 'utf8')).toContain('update');
    expect((await bareApi.request('DELETE', `/v1/hosts/${hostId}`)).status).toBe(204);
  });

  it('installs nodejs with apt-get -y when node is absent, says so, and then installs the agent', async () => {
    rmSync(join(dir, 'apt.fail'), { force: true });
    expect(existsSync(join(bin, 'node'))).toBe(false);
    const hostId = await register();
    const res = await bareApi.request('POST', `/v1/hosts/${hostId}/agent`, { body: { credential: { privateKey: bare.sshd.clientPrivateKey } } });
    expect(res.status).toBe(200);
    const step = res.body.steps.find((s: { name: string }) => s.name === 'install-node');
    expect(step.detail).toMatch(/node was absent: installed Debian's nodejs with apt-get -y \(node v\d+/);
    expect(readFileSync(join(dir, 'apt.log'), 'utf8')).toMatch(/^install -y -q nodejs$/m);
    expect(res.body.proof).toMatchObject({ refused: true });
  });
});
