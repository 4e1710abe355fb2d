import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface DomainCpu {
  serverId: string;
  customerId: string;
  domainName: string | null;
  domid: number;
  /** % of one CPU over the last collected interval. */
  currentPercent: number | null;
  /** % of one CPU since the domain started: its CPU time over its uptime. */
  lifetimePercent: number | null;
  summary: string;
}

export interface HostCpu {
  hostId: string;
  at: string | null;
  domains: DomainCpu[];
  totalCurrentPercent: number;
  totalLifetimePercent: number;
}

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * The classic per-domain CPU summary for operators ("uses X% of one CPU"), from what the
 * collector already stored: the last span of each server on the host (current) and its
 * cursor (CPU time since the domain started, over the time since it started).
 */
@Injectable()
export class HostCpuSummary {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forHost(hostId: string, names: Map<string, string>): Promise<HostCpu> {
    const rows: { server_id: string; domid: number; read_at: Date; cpu_ms: string; since: string | null; last_cpu_ms: string | null; last_ms: string | null; customer_id: string | null }[] = await this.db.query(
      `SELECT c.server_id, c.domid, c.read_at, c.counters->'domain'->>'cpuMs' AS cpu_ms, c.counters->>'since' AS since,
              last.cpu_ms::text AS last_cpu_ms, (extract(epoch FROM last.interval_end - last.interval_start) * 1000)::bigint::text AS last_ms, last.customer_id
         FROM metering_server_cursors c
         LEFT JOIN LATERAL (SELECT cpu_ms, interval_start, interval_end, customer_id FROM usage_samples s
                             WHERE s.server_id = c.server_id AND s.host_id = c.host_id AND s.interval_end <= c.read_at + interval '1 millisecond'
                             ORDER BY s.interval_start DESC LIMIT 1) last ON true
        WHERE c.host_id = $1`,
      [hostId],
    );
    const domains: DomainCpu[] = rows.map((r) => {
      const readAt = new Date(r.read_at).getTime();
      const uptimeMs = r.since !== null ? readAt - Number(r.since) : 0;
      const current = r.last_cpu_ms !== null && Number(r.last_ms) > 0 ? (Number(r.last_cpu_ms) / Number(r.last_ms)) * 100 : null;
      const lifetime = uptimeMs > 0 ? (Number(r.cpu_ms) / uptimeMs) * 100 : null;
      const name = names.get(r.server_id) ?? null;
      return {
        serverId: r.server_id,
        customerId: r.customer_id ?? '',
        domainName: name,
        domid: r.domid,
        currentPercent: current === null ? null : round(current),
        lifetimePercent: lifetime === null ? null : round(lifetime),
        summary: `${name ?? r.server_id} uses ${current === null ? '?' : round(current)}% of one CPU now, ${lifetime === null ? '?' : round(lifetime)}% over its uptime`,
      };
    });
    domains.sort((a, b) => (b.currentPercent ?? -1) - (a.currentPercent ?? -1));
    const latest = rows.reduce((max, r) => Math.max(max, new Date(r.read_at).getTime()), 0);
    return {
      hostId,
      at: latest > 0 ? new Date(latest).toISOString() : null,
      domains,
      totalCurrentPercent: round(domains.reduce((sum, d) => sum + (d.currentPercent ?? 0), 0)),
      totalLifetimePercent: round(domains.reduce((sum, d) => sum + (d.lifetimePercent ?? 0), 0)),
    };
  }
}
