// What a black-box probe of the API found (issue 7), each fixed at the shared mechanism:
// the JSON body parser, the rate limit, the display-name validator, the SSH key parser.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiHarness, startApiHarness, TestResponse } from './support/api-harness';
import { createCustomer, createHost, customerName, email, TestCustomer } from './support/fixtures';
import { expectProblem, problemFields, snapshotTables } from './support/problem-assertions';

let api: ApiHarness;
let tenant: TestCustomer;

beforeAll(async () => {
  api = await startApiHarness();
  tenant = await createCustomer(api);
});
afterAll(() => api.close());

const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('request bodies are bounded before validation runs', () => {
  it.each([
    ['POST', '/v1/users'],
    ['POST', '/v1/tokens'],
    ['POST', '/v1/pools'],
    ['POST', '/v1/customers'],
  ])('%s %s: a 3,000-deep body is a 400 naming the depth limit, not a 500', async (method, url) => {
    const before = await snapshotTables(api.db);
    const res = await api.request(method, url, { token: tenant.adminToken, rawBody: deep(3000) });
    const problem = expectProblem(res, 400, 'body_too_complex');
    expect(problem.limits).toEqual({ maxDepth: 32 });
    expect(problem.detail).toContain('32 levels');
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('a body just inside the depth limit reaches validation as usual', async () => {
    const res = await api.request('POST', '/v1/users', { token: tenant.adminToken, rawBody: deep(31) });
    expectProblem(res, 400, 'validation_failed');
  });

  it('refuses very large arrays and objects with many keys, naming the place', async () => {
    const bigArray = await api.request('POST', '/v1/users', { token: tenant.adminToken, rawBody: JSON.stringify({ name: 'x', tags: Array(1001).fill(1) }) });
    expect(expectProblem(bigArray, 400, 'body_too_complex').fields).toEqual([{ field: 'tags', message: 'must have at most 1000 elements' }]);
    const manyKeys = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i]));
    const bigObject = await api.request('POST', '/v1/users', { token: tenant.adminToken, rawBody: JSON.stringify({ name: 'x', extra: manyKeys }) });
    expect(expectProblem(bigObject, 400, 'body_too_complex').fields).toEqual([{ field: 'extra', message: 'must have at most 200 keys' }]);
  });

  it('refuses prototype poisoning', async () => {
    const res = await api.request('POST', '/v1/users', { token: tenant.adminToken, rawBody: '{"name":"x","__proto__":{"role":"operator"}}' });
    expectProblem(res, 400, 'malformed_json');
  });

  it.each(['utf-16', 'UTF-16LE', 'latin1', 'iso-8859-1'])('refuses charset=%s with 415, and accepts utf-8 in any spelling', async (charset) => {
    const body = JSON.stringify({ name: 'Charset user', email: email(), role: 'viewer' });
    const refused = await api.request('POST', '/v1/users', { token: tenant.adminToken, rawBody: body, headers: { 'content-type': `application/json; charset=${charset}` } });
    expect(expectProblem(refused, 415, 'unsupported_media_type').fields).toEqual([{ field: 'header.content-type', message: 'charset must be utf-8' }]);
    for (const ok of ['utf-8', 'UTF8', '"utf-8"']) {
      const accepted = await api.request('POST', '/v1/users', {
        token: tenant.adminToken,
        rawBody: JSON.stringify({ name: 'Charset user', email: email(), role: 'viewer' }),
        headers: { 'content-type': `application/json; charset=${ok}` },
      });
      expect(accepted.status).toBe(201);
    }
  });
});

describe('one display-name rule for every name people type', () => {
  const hostile = {
    newline: 'ada\nadmin',
    ansi: '\u001b[31mred',
    bel: 'ding\u0007',
    bidi: 'evil\u202Etxt',
    zeroWidth: 'ad\u200Ba',
    whitespaceOnly: '   ',
  };

  it.each(Object.entries(hostile))('refuses a %s name on users, tokens, customers and pools, naming the field', async (_kind, name) => {
    const before = await snapshotTables(api.db, ['customers', 'users', 'api_tokens', 'pools']);
    const attempts: [string, string, Record<string, unknown>, string | undefined, string][] = [
      ['POST', '/v1/users', { name, email: email() }, tenant.adminToken, 'name'],
      ['POST', '/v1/tokens', { name }, tenant.adminToken, 'name'],
      ['POST', '/v1/customers', { name, adminName: 'Ada', adminEmail: email() }, undefined, 'name'],
      ['POST', '/v1/customers', { name: customerName(), adminName: name, adminEmail: email() }, undefined, 'adminName'],
      ['POST', '/v1/pools', { name, kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 10 }, tenant.adminToken, 'name'],
      ['PATCH', `/v1/customers/${tenant.id}`, { name }, undefined, 'name'],
    ];
    for (const [method, url, body, token, field] of attempts) {
      const res = await api.request(method, url, { token, body });
      expectProblem(res, 400, 'validation_failed');
      expect({ url, fields: problemFields(res) }).toEqual({ url, fields: [field] });
    }
    expect(await snapshotTables(api.db, ['customers', 'users', 'api_tokens', 'pools'])).toEqual(before);
  });

  it('refuses a lone surrogate instead of storing U+FFFD and echoing something else', async () => {
    const before = await snapshotTables(api.db);
    const res = await api.request('POST', '/v1/tokens', { token: tenant.adminToken, rawBody: '{"name":"ci \\ud800 deploys"}' });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['name']);
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('keeps accepting names in any script, with punctuation and emoji', async () => {
    for (const name of ['Zoë Ørsted', '山田 太郎', "O'Brien (ops) 🚀"]) {
      const res = await api.request('POST', '/v1/users', { token: tenant.adminToken, body: { name, email: email() } });
      expect(res.status).toBe(201);
      expect(res.body.name).toBe(name);
      expect((await api.request('GET', `/v1/users/${res.body.id}`, { token: tenant.adminToken })).body.name).toBe(name);
    }
  });
});

describe('the rate limit buckets only tokens that authenticate', () => {
  /** The limit counts per fixed minute: start in a fresh one so no roll-over hides a bug. */
  async function atStartOfWindow(): Promise<void> {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
  }

  it('700 requests with distinct made-up tokens from one address get 429 with Retry-After after the address allowance; a valid token is unaffected', async () => {
    const limited = await startApiHarness();
    try {
      const valid = await createCustomer(limited);
      await atStartOfWindow();
      let first429: TestResponse | undefined;
      let refusedBefore = 0;
      const remaining: number[] = [];
      for (let i = 0; i < 700 && !first429; i++) {
        const res = await limited.request('GET', '/v1/hosts', { token: `garbage${i}` });
        if (res.status === 429) first429 = res;
        else {
          expect(res.status).toBe(401);
          refusedBefore++;
          if (i < 3) remaining.push(Number(res.headers['ratelimit-remaining']));
        }
      }
      // The made-up tokens share one budget: it goes down instead of restarting at 599 each time.
      expect(remaining).toEqual([remaining[0], remaining[0]! - 1, remaining[0]! - 2]);
      expect(first429).toBeDefined();
      expect(refusedBefore).toBeLessThanOrEqual(600);
      expectProblem(first429!, 429, 'rate_limited');
      expect(Number(first429!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Unauthenticated requests from the same address are now limited too...
      expect((await limited.request('GET', '/v1/hosts', { token: null })).status).toBe(429);
      // ...but a token that authenticates has its own bucket, untouched by the garbage.
      const own = await limited.request('GET', '/v1/users', { token: valid.adminToken });
      expect(own.status).toBe(200);
      expect(Number(own.headers['ratelimit-remaining'])).toBeGreaterThan(590);
    } finally {
      await limited.close();
    }
  }, 120_000);
});

describe('SSH keys in server orders are parsed', () => {
  function keygen(comment: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'carve-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(dir, 'k')]);
    return readFileSync(join(dir, 'k.pub'), 'utf8').trim();
  }

  let order: (overrides: Record<string, unknown>) => Promise<TestResponse>;

  beforeAll(async () => {
    await createHost(api);
    const image = await api.request('POST', '/v1/images', { body: { name: 'keys-image', archivePath: '/var/lib/carve/images/debian-12.tar.gz' } });
    await api.request('PUT', `/v1/customers/${tenant.id}/pool-ceiling`, { body: { memoryMiB: 8192, vcpus: 32, diskGiB: 200, transferGB: 100 } });
    const pool = await api.request('POST', '/v1/pools', { token: tenant.adminToken, body: { name: 'keys', kind: 'shared', memoryMiB: 8192, vcpus: 32, diskGiB: 100, transferGB: 100 } });
    let n = 0;
    order = (overrides) =>
      api.request('POST', '/v1/servers', {
        token: tenant.adminToken,
        body: { name: `keys${n++}`, poolId: pool.body.id, imageId: image.body.id, memoryMiB: 256, vcpus: 1, disks: [{ label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' }], ...overrides },
      });
  });

  it.each(['$(reboot)', 'ada`reboot`', 'ada;reboot', 'ada "x"', "ada's"])('accepts a real key whose comment is %j, with the comment dropped', async (comment) => {
    const key = keygen(comment);
    const res = await order({ sshKeys: [key] });
    expect(res.status).toBe(202);
    const [type, blob] = key.split(' ');
    expect(res.body.server.sshKeys).toEqual([`${type} ${blob}`]);
    const row = await api.db.query('SELECT ssh_public_keys FROM servers WHERE id = $1', [res.body.server.id]);
    expect(row[0].ssh_public_keys).toEqual([`${type} ${blob}`]);
  });

  it('keeps a plain comment and several keys', async () => {
    const keys = [keygen('ada@laptop'), keygen('bob@desk')];
    const res = await order({ sshKeys: keys });
    expect(res.status).toBe(202);
    expect(res.body.server.sshKeys).toEqual(keys);
  });

  it.each([
    ['a truncated key', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ'],
    ['base64 of another type', `ssh-rsa ${'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'}`],
    ['authorized_keys options', 'command="/bin/sh" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'],
    ['random text', 'not a key'],
  ])('refuses %s with 400 naming sshKeys.N, and stores nothing', async (_what, bad) => {
    const before = await snapshotTables(api.db, ['servers', 'jobs']);
    const res = await order({ sshKeys: [keygen('ok'), bad] });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['sshKeys.1']);
    expect(await snapshotTables(api.db, ['servers', 'jobs'])).toEqual(before);
  });

  it('needs at least one key, and takes sshKeys or the older sshPublicKey, not both', async () => {
    expect(problemFields(await order({}))).toEqual(['sshKeys']);
    const key = keygen('x');
    expect(problemFields(await order({ sshKeys: [key], sshPublicKey: key }))).toEqual(['sshPublicKey']);
    expect((await order({ sshPublicKey: key })).status).toBe(202);
  });
});
