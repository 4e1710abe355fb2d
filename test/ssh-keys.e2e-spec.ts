import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserSshKeyService } from '@carve/tenancy';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createUser, TestCustomer } from './support/fixtures';
import { expectProblem, problemFields, snapshotTables } from './support/problem-assertions';

let api: ApiHarness;
let dir: string;
let acme: TestCustomer;
let other: TestCustomer;

/** A fresh key made by OpenSSH's own ssh-keygen, with what ssh-keygen says its fingerprint is. */
function keygen(type: string, bits?: number): { publicKey: string; fingerprint: string; privateKeyFile: string } {
  const file = join(dir, `${type}-${bits ?? 'd'}-${Math.random().toString(36).slice(2)}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'ada@laptop', '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { publicKey: readFileSync(`${file}.pub`, 'utf8').trim(), fingerprint, privateKeyFile: file };
}

function keysUrl(userId: string): string {
  return `/v1/users/${userId}/ssh-keys`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'carve-ssh-keys-'));
  api = await startApiHarness();
  acme = await createCustomer(api);
  other = await createCustomer(api);
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a user registers, lists and removes SSH keys', () => {
  it('keeps ed25519, ECDSA and RSA keys with the fingerprint ssh-keygen prints, and removes one', async () => {
    const keys = [keygen('ed25519'), keygen('ecdsa', 384), keygen('rsa', 3072)];
    const added = [];
    for (const [i, key] of keys.entries()) {
      const res = await api.request('POST', keysUrl(acme.adminId), { token: acme.adminToken, body: { name: `key ${i}`, publicKey: `${key.publicKey}\n` } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ userId: acme.adminId, customerId: acme.id, name: `key ${i}`, fingerprint: key.fingerprint, publicKey: key.publicKey, lastUsedAt: null });
      added.push(res.body);
    }
    expect(added.map((k) => [k.type, k.bits])).toEqual([
      ['ssh-ed25519', 256],
      ['ecdsa-sha2-nistp384', 384],
      ['ssh-rsa', 3072],
    ]);
    const listed = await api.request('GET', keysUrl(acme.adminId), { token: acme.adminToken });
    expect(listed.body.items.map((k: { id: string }) => k.id)).toEqual(added.map((k) => k.id));

    expect((await api.request('DELETE', `${keysUrl(acme.adminId)}/${added[1].id}`, { token: acme.adminToken })).status).toBe(204);
    const after = await api.request('GET', keysUrl(acme.adminId), { token: acme.adminToken });
    expect(after.body.items.map((k: { id: string }) => k.id)).toEqual([added[0].id, added[2].id]);
    expectProblem(await api.request('DELETE', `${keysUrl(acme.adminId)}/${added[1].id}`, { token: acme.adminToken }), 404, 'not_found');

    const audit = await api.db.query(`SELECT action, object_id, customer_id FROM audit_events WHERE action LIKE 'sshKeys.%' AND object_id = ANY($1::uuid[]) ORDER BY created_at`, [
      added.map((k) => k.id),
    ]);
    expect(audit).toEqual([
      ...added.map((k) => ({ action: 'sshKeys.add', object_id: k.id, customer_id: acme.id })),
      { action: 'sshKeys.remove', object_id: added[1].id, customer_id: acme.id },
    ]);
  });

  it('refuses what is not a usable public key with 400 naming publicKey, and stores nothing', async () => {
    const dsa = keygen('dsa');
    const shortRsa = keygen('rsa', 1024);
    const ed = keygen('ed25519');
    const privateKey = readFileSync(ed.privateKeyFile, 'utf8');
    const before = await snapshotTables(api.db);
    const bad: [string, RegExp][] = [
      ['not a key at all', /key type/],
      [dsa.publicKey, /key type/],
      [shortRsa.publicKey, /2048 to 16384 bits, this one has 1024/],
      [`command="/bin/sh" ${ed.publicKey}`, /options before the type/],
      [ed.publicKey.replace(/AAAA(\S{20})/, 'AAAA$1!'), /base64/],
      [`${ed.publicKey}\n${ed.publicKey}`, /one key on one line/],
      [privateKey, /one line/],
    ];
    for (const [publicKey, message] of bad) {
      const res = await api.request('POST', keysUrl(acme.adminId), { token: acme.adminToken, body: { name: 'bad', publicKey } });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['publicKey']);
      expect(res.body.fields[0].message).toMatch(message);
    }
    const missing = await api.request('POST', keysUrl(acme.adminId), { token: acme.adminToken, body: { name: 'no key' } });
    expectProblem(missing, 400, 'validation_failed');
    expect(problemFields(missing)).toEqual(['publicKey']);
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('refuses the same key twice (409 naming publicKey): on the same user, and on another tenant\'s user, saying nothing of whose it is', async () => {
    const key = keygen('ed25519');
    expect((await api.request('POST', keysUrl(acme.adminId), { token: acme.adminToken, body: { name: 'first', publicKey: key.publicKey } })).status).toBe(201);
    // The same key with another comment is the same key.
    const again = await api.request('POST', keysUrl(acme.adminId), { token: acme.adminToken, body: { name: 'again', publicKey: key.publicKey.replace('ada@laptop', 'other') } });
    expectProblem(again, 409, 'duplicate_ssh_key');
    expect(problemFields(again)).toEqual(['publicKey']);
    // Held by two users, a key's gateway login would be ambiguous, and a tenant could register
    // someone else's public key beside a server of the same name to catch their console login.
    const elsewhere = await api.request('POST', keysUrl(other.adminId), { token: other.adminToken, body: { name: 'shared', publicKey: key.publicKey } });
    expectProblem(elsewhere, 409, 'duplicate_ssh_key');
    expect(problemFields(elsewhere)).toEqual(['publicKey']);
    expect(JSON.stringify(elsewhere.body)).not.toContain(acme.adminId);
    expect((await api.request('GET', keysUrl(other.adminId), { token: other.adminToken })).body.items).toHaveLength(0);
  });
});

describe('whose keys a caller may manage', () => {
  it('lets a viewer manage their own keys only, an admin their users’, an operator anyone’s; another tenant’s user is 404', async () => {
    const viewer = await createUser(api, acme.adminToken, 'viewer');
    const own = await api.request('POST', keysUrl(viewer.id), { token: viewer.token, body: { name: 'mine', publicKey: keygen('ed25519').publicKey } });
    expect(own.status).toBe(201);
    expect((await api.request('GET', keysUrl(viewer.id), { token: viewer.token })).body.items).toHaveLength(1);
    expectProblem(await api.request('GET', keysUrl(acme.adminId), { token: viewer.token }), 403, 'forbidden');
    expectProblem(await api.request('POST', keysUrl(acme.adminId), { token: viewer.token, body: { name: 'x', publicKey: keygen('ed25519').publicKey } }), 403, 'forbidden');

    // The admin manages the viewer's keys.
    expect((await api.request('GET', keysUrl(viewer.id), { token: acme.adminToken })).body.items.map((k: { id: string }) => k.id)).toEqual([own.body.id]);
    // The operator adds a key for a customer's user: it belongs to that customer.
    const byOperator = await api.request('POST', keysUrl(viewer.id), { body: { name: 'by operator', publicKey: keygen('ed25519').publicKey } });
    expect(byOperator.status).toBe(201);
    expect(byOperator.body.customerId).toBe(acme.id);
    expect((await api.request('DELETE', `${keysUrl(viewer.id)}/${byOperator.body.id}`, { token: acme.adminToken })).status).toBe(204);

    // Another tenant: the user, its keys and a key id under one's own user all answer 404.
    const before = await snapshotTables(api.db);
    expectProblem(await api.request('GET', keysUrl(viewer.id), { token: other.adminToken }), 404, 'not_found');
    expectProblem(await api.request('POST', keysUrl(viewer.id), { token: other.adminToken, body: { name: 'x', publicKey: keygen('ed25519').publicKey } }), 404, 'not_found');
    expectProblem(await api.request('DELETE', `${keysUrl(viewer.id)}/${own.body.id}`, { token: other.adminToken }), 404, 'not_found');
    expectProblem(await api.request('DELETE', `${keysUrl(other.adminId)}/${own.body.id}`, { token: other.adminToken }), 404, 'not_found');
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it("gives rescue mode a customer's keys (every user's, none of another customer's)", async () => {
    const fresh = await createCustomer(api);
    const viewer = await createUser(api, fresh.adminToken, 'viewer');
    const a = keygen('ed25519');
    const b = keygen('ecdsa', 256);
    await api.request('POST', keysUrl(fresh.adminId), { token: fresh.adminToken, body: { name: 'a', publicKey: a.publicKey } });
    await api.request('POST', keysUrl(viewer.id), { token: viewer.token, body: { name: 'b', publicKey: b.publicKey } });
    await api.request('POST', keysUrl(other.adminId), { token: other.adminToken, body: { name: 'elsewhere', publicKey: keygen('ed25519').publicKey } });
    expect(await api.app.get(UserSshKeyService).keysOfCustomer(fresh.id)).toEqual([a.publicKey, b.publicKey]);
  });
});
