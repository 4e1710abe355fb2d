import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createHost, createUser, TestCustomer, TestUser } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';

let api: ApiHarness;
let customer: TestCustomer;
let viewer: TestUser;
let counter = 0;

beforeAll(async () => {
  api = await startApiHarness();
  customer = await createCustomer(api);
  viewer = await createUser(api, customer.adminToken, 'viewer');
});
afterAll(() => api.close());

const imageName = () => `img-${Date.now().toString(36)}-${counter++}`;

async function createImage(overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const res = await api.request('POST', '/v1/images', { body: { name: imageName(), archivePath: '/var/lib/carve/images/debian-12.tar.gz', ...overrides } });
  if (res.status !== 201) throw new Error(`creating image failed: ${res.status} ${res.text}`);
  return res.body;
}

async function imageRows(): Promise<unknown[]> {
  return api.db.query('SELECT * FROM images ORDER BY id');
}

describe('images', () => {
  it('operators create, read, change and delete; everyone authenticated reads', async () => {
    const name = imageName();
    const created = await api.request('POST', '/v1/images', { body: { name, description: 'Debian 12 (bookworm)', archivePath: '/var/lib/carve/images/debian-12.tar.gz' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name,
      description: 'Debian 12 (bookworm)',
      archivePath: '/var/lib/carve/images/debian-12.tar.gz',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const [row] = await api.db.query('SELECT name, description, archive_path FROM images WHERE id = $1', [created.body.id]);
    expect(row).toEqual({ name, description: 'Debian 12 (bookworm)', archive_path: '/var/lib/carve/images/debian-12.tar.gz' });

    for (const token of [customer.adminToken, viewer.token, api.operatorToken]) {
      const got = await api.request('GET', `/v1/images/${created.body.id}`, { token });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(created.body);
      const list = await api.request('GET', '/v1/images?limit=100', { token });
      expect(list.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
    }
    const byName = await api.request('GET', `/v1/images?name=${name.toUpperCase()}`, { token: viewer.token });
    expect(byName.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);

    const patched = await api.request('PATCH', `/v1/images/${created.body.id}`, { body: { description: null, archivePath: '/var/lib/carve/images/ubuntu-24.04.tar.xz' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name, description: null, archivePath: '/var/lib/carve/images/ubuntu-24.04.tar.xz' });

    expect((await api.request('DELETE', `/v1/images/${created.body.id}`)).status).toBe(204);
    expectProblem(await api.request('GET', `/v1/images/${created.body.id}`, { token: viewer.token }), 404, 'not_found');
    expect(await api.db.query('SELECT deleted_at IS NOT NULL AS deleted FROM images WHERE id = $1', [created.body.id])).toEqual([{ deleted: true }]);
  });

  it('customers cannot write (403), admins included', async () => {
    const image = await createImage();
    const before = await imageRows();
    for (const token of [customer.adminToken, viewer.token]) {
      expectProblem(await api.request('POST', '/v1/images', { token, body: { name: imageName(), archivePath: '/srv/a.tar.gz' } }), 403, 'forbidden');
      expectProblem(await api.request('PATCH', `/v1/images/${image.id}`, { token, body: { name: 'mine' } }), 403, 'forbidden');
      expectProblem(await api.request('DELETE', `/v1/images/${image.id}`, { token }), 403, 'forbidden');
    }
    expect(await imageRows()).toEqual(before);
  });

  it('refuses a duplicate name regardless of case (409), on create and on rename', async () => {
    const first = await createImage({ name: `Debian-${counter++}` });
    const dup = await api.request('POST', '/v1/images', { body: { name: first.name.toLowerCase(), archivePath: '/srv/images/x.tar.gz' } });
    expectProblem(dup, 409, 'duplicate_image_name');
    expect(dup.body.fields).toEqual([{ field: 'name', message: 'is already taken' }]);
    const other = await createImage();
    expectProblem(await api.request('PATCH', `/v1/images/${other.id}`, { body: { name: first.name.toUpperCase() } }), 409, 'duplicate_image_name');
  });

  it.each([
    ['relative', 'var/lib/carve/images/debian-12.tar.gz'],
    ['a .. segment', '/var/lib/carve/../../etc/shadow.tar.gz'],
    ['a . segment', '/var/lib/./carve/debian.tar.gz'],
    ['command substitution', '/var/lib/carve/$(reboot).tar.gz'],
    ['backticks', '/var/lib/carve/`id`.tar.gz'],
    ['a semicolon', '/var/lib/carve/a;rm -rf /.tar.gz'],
    ['a space', '/var/lib/carve/debian 12.tar.gz'],
    ['a quote', "/var/lib/carve/debian'12.tar.gz"],
    ['a glob', '/var/lib/carve/*.tar.gz'],
    ['a newline', '/var/lib/carve/debian\n.tar.gz'],
    ['an empty segment', '/var/lib//carve/debian.tar.gz'],
    ['another extension', '/var/lib/carve/debian-12.zip'],
    ['a bare extension', '/var/lib/carve/.tar.gz'],
    ['a plain tar', '/var/lib/carve/debian-12.tar'],
    ['too long', `/${'a'.repeat(250)}.tar.gz`],
    ['not a string', 42],
  ])('rejects an archive path with %s (400 naming archivePath), storing nothing', async (_, archivePath) => {
    const before = await imageRows();
    const res = await api.request('POST', '/v1/images', { body: { name: imageName(), archivePath } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toContain('archivePath');
    expect(await imageRows()).toEqual(before);
  });

  it('rejects a bad archive path on change too, and bad names, descriptions and unknown fields', async () => {
    const image = await createImage();
    const before = await imageRows();
    const path = await api.request('PATCH', `/v1/images/${image.id}`, { body: { archivePath: '/etc/../root.tar.gz' } });
    expect(problemFields(path)).toEqual(['archivePath']);
    const name = await api.request('POST', '/v1/images', { body: { name: 'debian;reboot', archivePath: '/srv/a.tar.gz' } });
    expect(problemFields(name)).toEqual(['name']);
    const description = await api.request('POST', '/v1/images', { body: { name: imageName(), description: 'x'.repeat(201), archivePath: '/srv/a.tar.gz' } });
    expect(problemFields(description)).toEqual(['description']);
    const extra = await api.request('POST', '/v1/images', { body: { name: imageName(), archivePath: '/srv/a.tar.gz', id: image.id } });
    expect(problemFields(extra)).toEqual(['id']);
    const nullName = await api.request('PATCH', `/v1/images/${image.id}`, { body: { name: null } });
    expectProblem(nullName, 400, 'validation_failed');
    expect(await imageRows()).toEqual(before);
  });

  it('refuses to delete an image servers use (409) and keeps it', async () => {
    const image = await createImage();
    const host = await createHost(api);
    await api.request('PUT', `/v1/customers/${customer.id}/pool-ceiling`, { body: { memoryMiB: 4096, vcpus: 4, diskGiB: 100, transferGB: 100 } });
    const pool = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: { name: `p-${counter++}`, kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 10 } });
    await api.db.query(
      `INSERT INTO servers (customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys)
       VALUES ($1, $2, $3, $4, 'web', 'web', 'running', 512, 512, 1, 1, ARRAY['ssh-ed25519 AAAA'])`,
      [customer.id, pool.body.id, host.id, image.id],
    );
    const res = await api.request('DELETE', `/v1/images/${image.id}`);
    expect(expectProblem(res, 409, 'image_in_use').detail).toContain('1 server');
    expect(await api.db.query('SELECT id FROM images WHERE id = $1', [image.id])).toEqual([{ id: image.id }]);

    // Once its servers are deleted the image can go; their records keep referring to it.
    await api.db.query(`UPDATE servers SET state = 'deleted' WHERE image_id = $1`, [image.id]);
    expect((await api.request('DELETE', `/v1/images/${image.id}`)).status).toBe(204);
    expectProblem(await api.request('GET', `/v1/images/${image.id}`), 404, 'not_found');
    expect(await api.db.query('SELECT deleted_at IS NOT NULL AS deleted FROM images WHERE id = $1', [image.id])).toEqual([{ deleted: true }]);
    // A deleted image cannot be ordered, and its name is free again.
    const order = await api.request('POST', '/v1/servers', {
      token: customer.adminToken,
      body: { name: 'after', poolId: pool.body.id, imageId: image.id, memoryMiB: 256, vcpus: 1, sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x', disks: [{ label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' }] },
    });
    expect(expectProblem(order, 400, 'validation_failed').fields).toEqual([expect.objectContaining({ field: 'imageId' })]);
    const again = await api.request('POST', '/v1/images', { body: { name: image.name, archivePath: '/var/lib/carve/images/debian-12.tar.gz' } });
    expect(again.status).toBe(201);
  });

  it('answers 404 for an image that does not exist on every image route', async () => {
    const missing = '6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00';
    expectProblem(await api.request('GET', `/v1/images/${missing}`, { token: viewer.token }), 404, 'not_found');
    expectProblem(await api.request('PATCH', `/v1/images/${missing}`, { body: { name: 'x' } }), 404, 'not_found');
    expectProblem(await api.request('DELETE', `/v1/images/${missing}`), 404, 'not_found');
  });
});
