/**
 * The servers whose graphs are requested, as rows the API can find (customer, pool, host,
 * image, server), with the ids the seeded history uses (bench/ingest/bench-fleet.ts:
 * server n is host floor(n / 50)'s). Only these few get rows: the usage tables have no
 * foreign keys, so the rest of the fleet exists as usage alone.
 */
import { Client } from 'pg';
import { DOMAINS_PER_HOST, hostIdOf, ownersOf, serverIdOf } from '../ingest/bench-fleet';

/** `count` servers spread evenly over a fleet of `servers`. */
export function sampleServers(servers: number, count: number): number[] {
  const step = servers / Math.min(count, servers);
  return Array.from({ length: Math.min(count, servers) }, (_, i) => Math.floor(i * step + step / 2));
}

export async function insertGraphServers(client: Client, indexes: readonly number[]): Promise<string[]> {
  const [{ id: imageId }] = (await client.query<{ id: string }>(`INSERT INTO images (name, archive_path) VALUES ('bench-debian', '/srv/images/debian.tar.zst') RETURNING id`)).rows as [{ id: string }];
  const done = new Set<string>();
  const once = async (key: string, sql: string, params: unknown[]): Promise<void> => {
    if (done.has(key)) return;
    done.add(key);
    await client.query(sql, params);
  };
  for (const n of indexes) {
    const { customerId, poolId } = ownersOf(n);
    const hostIndex = Math.floor(n / DOMAINS_PER_HOST);
    await once(customerId, `INSERT INTO customers (id, name) VALUES ($1, $2)`, [customerId, `Bench customer ${customerId.slice(0, 8)}`]);
    await once(poolId, `INSERT INTO pools (id, customer_id, name, kind, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, $2, $3, 'shared', 65536, 32, 2000, 20000)`, [poolId, customerId, `pool-${poolId.slice(0, 8)}`]);
    await once(
      hostIdOf(hostIndex),
      `INSERT INTO hosts (id, name, ssh_address, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group, volume_group_size_gib, transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency)
       VALUES ($1, $2, $3, 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', 32, 262144, 4096, 'vg0', 8000, 20000, 1000, 9900, 'EUR')`,
      [hostIdOf(hostIndex), `dom0-${hostIndex}`, `dom0-${hostIndex}.bench.invalid`],
    );
    await client.query(
      `INSERT INTO servers (id, customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', 2048, 4096, 2, 4, ARRAY['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench bench'])`,
      [serverIdOf(n), customerId, poolId, hostIdOf(hostIndex), imageId, `srv${n}`, `srv${n}-${serverIdOf(n).slice(0, 8)}`],
    );
  }
  return indexes.map(serverIdOf);
}
