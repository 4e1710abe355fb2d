// Medium test: carve's side of a host as the reconciler reads it, through the servers' and
// jobs' read models, against real PostgreSQL with the real migrations.
import { dataSourceOptions } from '@carve/database';
import { ServerJobsInFluxReader } from '@carve/jobs';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { ServersOnHost } from '@carve/servers';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import { DataSource } from 'typeorm';
import { HostViewRepository } from './host-view.repository';

let database: TestDatabase;
let db: DataSource;
let view: HostViewRepository;
const ids: Record<string, string> = {};
const LONG_AGO = new Date('2026-01-01T00:00:00Z');
const SINCE = new Date('2026-11-10T11:50:00Z');
const LISTED = new Date('2026-11-10T12:00:00Z');

async function host(name: string): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO hosts (name, ssh_address, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group, volume_group_size_gib,
                        transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency)
     VALUES ($1, $2, 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', 8, 32768, 2048, 'vg0', 500, 1000, 1000, 4900, 'EUR') RETURNING id`,
    [name, `${name}.example`],
  );
  return row.id;
}

async function server(name: string, hostId: string, state: string, deletedAt: Date | null): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO servers (customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 512, 512, 1, 1, ARRAY['ssh-ed25519 AAAA x'], $8) RETURNING id`,
    [ids.customer, ids.pool, hostId, ids.image, name, `${name}-00000000`, state, deletedAt],
  );
  await db.query(`INSERT INTO server_disks (customer_id, server_id, label, role, filesystem, position, size_gib, volume_name, state) VALUES ($3, $1, 'root', 'root', 'ext4', 0, 10, $2, 'present')`, [row.id, `carve-${name}-root`, ids.customer]);
  return row.id;
}

async function job(serverId: string, hostId: string, status: string, finishedAt: Date | null, targetHostId: string | null = null): Promise<void> {
  await db.query(
    `INSERT INTO jobs (customer_id, server_id, host_id, type, params, status, steps, attempts, target_host_id, finished_at)
     VALUES ($1, $2, $3, 'server.reboot', '{}', $4, '[]', 0, $5, $6)`,
    [ids.customer, serverId, hostId, status, targetHostId, finishedAt],
  );
}

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  view = new HostViewRepository(db, new ServersOnHost(), new ServerJobsInFluxReader());
  [{ id: ids.customer }] = await db.query(`INSERT INTO customers (name) VALUES ('View Tester') RETURNING id`);
  [{ id: ids.pool }] = await db.query(`INSERT INTO pools (customer_id, name, kind, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, 'p', 'shared', 4096, 4, 100, 100) RETURNING id`, [ids.customer]);
  [{ id: ids.image }] = await db.query(`INSERT INTO images (name, archive_path) VALUES ('debian-12', '/var/lib/carve/images/debian-12.tar.gz') RETURNING id`);
  ids.here = await host('here');
  ids.there = await host('there');
  ids.live = await server('live', ids.here, 'running', null);
  ids.settled = await server('settled', ids.here, 'running', null);
  await job(ids.settled, ids.here, 'succeeded', LONG_AGO);
  ids.goneLongAgo = await server('gone', ids.here, 'deleted', LONG_AGO);
  ids.goneLately = await server('lately', ids.here, 'deleted', new Date('2026-11-10T11:55:00Z'));
  ids.goneBusy = await server('busy', ids.here, 'deleted', LONG_AGO);
  await job(ids.goneBusy, ids.here, 'running', null);
  ids.justFinished = await server('finished', ids.here, 'running', null);
  await job(ids.justFinished, ids.there, 'succeeded', new Date('2026-11-10T11:59:58Z'));
  ids.movingIn = await server('moving', ids.there, 'running', null);
  await job(ids.movingIn, ids.there, 'queued', null, ids.here);
  ids.elsewhere = await server('elsewhere', ids.there, 'running', null);
  await job(ids.elsewhere, ids.there, 'running', null);
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

it('holds the live servers, the recently deleted, the deleted still in flux and the ones moving on the host, each with its disks', async () => {
  const servers = await view.serversOn(ids.here, new Date(LISTED.getTime() - 5_000), SINCE);
  const byId = new Map(servers.map((s) => [s.id, s]));
  expect(new Set(byId.keys())).toEqual(new Set([ids.live, ids.settled, ids.goneLately, ids.goneBusy, ids.justFinished, ids.movingIn]));
  expect(byId.get(ids.live)).toMatchObject({ domainName: 'live-00000000', state: 'running', inFlux: false, recentlyDeleted: false, disks: [{ volumeName: 'carve-live-root', state: 'present' }] });
  expect(byId.get(ids.settled)).toMatchObject({ inFlux: false });
  expect(byId.get(ids.goneLately)).toMatchObject({ inFlux: false, recentlyDeleted: true });
  expect(byId.get(ids.goneBusy)).toMatchObject({ inFlux: true, recentlyDeleted: false });
  expect(byId.get(ids.justFinished)).toMatchObject({ inFlux: true });
  expect(byId.get(ids.movingIn)).toMatchObject({ inFlux: true, disks: [{ volumeName: 'carve-moving-root' }] });
});

it("names a volume's former owner on the host, whatever the server's state", async () => {
  const owners = await view.formerOwners(ids.here, ['carve-gone-root', 'carve-moving-root', 'carve-nobody']);
  expect([...owners.keys()]).toEqual(['carve-gone-root']);
  expect(owners.get('carve-gone-root')).toMatchObject({ serverId: ids.goneLongAgo, serverState: 'deleted', diskState: 'present' });
});
