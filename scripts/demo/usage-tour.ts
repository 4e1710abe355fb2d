/**
 * The demo's metering chapter, part two: what the collector and the seeded history show
 * through the API. The last 24 hours per server (the io-heavy one stands out on disk),
 * the classic CPU summary of its host, the three stacked graphs saved as SVG beside an
 * HTML page that lines them up, and the pool's transfer this month.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolView, ServerView } from './api-types';
import type { DemoContext } from './demo-context';
import type { DemoCustomer } from './operator-setup';
import { textTable } from './text-table';

interface UsageTotals {
  cpuHours: string;
  gbRead: string;
  gbWritten: string;
  millionRequests: string;
  gbOut: string;
  gbIn: string;
}

interface HostCpu {
  at: string | null;
  domains: { serverId: string; domainName: string | null; currentPercent: number | null; summary: string }[];
  totalCurrentPercent: number;
  totalLifetimePercent: number;
}

const METRICS = ['cpu', 'disk', 'net'] as const;

/** The last 24 hours of each server, busiest disk first, as the operator reads them. */
export async function printServerUsage(ctx: DemoContext, servers: ServerView[], hostNames: Map<string, string>): Promise<void> {
  const rows: { server: ServerView; totals: UsageTotals }[] = [];
  for (const server of servers) rows.push({ server, totals: (await ctx.operator.get<{ totals: UsageTotals }>(`/v1/servers/${server.id}/usage?range=24h`)).totals });
  rows.sort((a, b) => Number(b.totals.gbRead) + Number(b.totals.gbWritten) - (Number(a.totals.gbRead) + Number(a.totals.gbWritten)));
  ctx.narrator.detail('last 24 hours, busiest disk first (GB = 10^9 bytes)');
  ctx.narrator.detail(
    textTable(
      ['server', 'host', 'CPU h', 'GB read', 'GB written', 'M requests', 'GB out', 'GB in'],
      rows.map(({ server, totals: t }) => [server.name, hostNames.get(server.hostId) ?? server.hostId, t.cpuHours, t.gbRead, t.gbWritten, t.millionRequests, t.gbOut, t.gbIn]),
      [2, 3, 4, 5, 6, 7],
    ),
  );
}

const WAIT_FOR_READINGS_MS = 150_000;

/**
 * `GET /v1/hosts/:id/cpu`: each domain "uses X% of one CPU", now and over its lifetime.
 * "Now" needs two readings of the domain since it last started, so this waits for the
 * collector (every METERING_INTERVAL_SECONDS, 60 by default) to have read `serverId` twice.
 */
export async function printHostCpu(ctx: DemoContext, hostId: string, hostName: string, serverId: string): Promise<void> {
  const started = Date.now();
  let lastNote = started;
  let cpu = await ctx.operator.get<HostCpu>(`/v1/hosts/${hostId}/cpu`);
  const read = (c: HostCpu) => c.domains.some((d) => d.serverId === serverId && d.currentPercent !== null);
  while (!read(cpu) && Date.now() - started < WAIT_FOR_READINGS_MS) {
    if (Date.now() - lastNote >= 15_000) {
      ctx.narrator.detail(`waiting for the collector's next reading of ${hostName} (${Math.round((Date.now() - started) / 1000)} s; it reads every METERING_INTERVAL_SECONDS)`);
      lastNote = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    cpu = await ctx.operator.get<HostCpu>(`/v1/hosts/${hostId}/cpu`);
  }
  ctx.narrator.detail(`${hostName} (GET /v1/hosts/:id/cpu), busiest first:`);
  for (const d of cpu.domains) ctx.narrator.detail(`  ${d.summary}`);
  ctx.narrator.detail(`  all domains: ${cpu.totalCurrentPercent}% of one CPU now, ${cpu.totalLifetimePercent}% over their uptime`);
}

/**
 * The three graphs of a server for a range, as the customer fetches them, saved under
 * `dir` with a page that stacks them: they share one X axis, so they line up.
 */
export async function saveGraphs(ctx: DemoContext, customer: DemoCustomer, server: ServerView, range: '24h' | '30d', dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  // One window for the three graphs, fixed once (range=24h moves with the clock between requests).
  const stepMs = range === '24h' ? 60_000 : 3_600_000;
  const to = Math.floor(Date.now() / stepMs) * stepMs;
  const window = `from=${new Date(to - (range === '24h' ? 1 : 30) * 86_400_000).toISOString()}&to=${new Date(to).toISOString()}`;
  const files: string[] = [];
  for (const metric of METRICS) {
    const { body, contentType } = await customer.api.document(`/v1/servers/${server.id}/usage.svg?metric=${metric}&${window}`);
    if (!contentType.startsWith('image/svg+xml')) throw new Error(`usage.svg answered ${contentType}, not an SVG`);
    const file = `${server.name}-${range}-${metric}.svg`;
    writeFileSync(join(dir, file), body);
    files.push(file);
  }
  const page = join(dir, `${server.name}-${range}.html`);
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><title>${server.name}: last ${range}</title>\n<body style="font-family:sans-serif">\n<h1>${server.name}: CPU, disk and network, last ${range}</h1>\n` +
      files.map((f) => `<div><img src="${f}" alt="${f}"></div>`).join('\n') +
      '\n</body>\n',
  );
  ctx.narrator.detail(`${server.name}, last ${range}: ${files.map((f) => join(dir, f)).join(', ')}`);
  return page;
}

/** Outbound transfer this month, pooled across the pool's servers wherever they run. */
export async function printPoolTransfer(ctx: DemoContext, customer: DemoCustomer, poolId: string): Promise<void> {
  const pool = await customer.api.get<PoolView & { transfer: { month: string; usedGB: number; allowanceGB: number; percent: number | null; projectedGB: number } | null }>(`/v1/pools/${poolId}`);
  const t = pool.transfer;
  if (!t) {
    ctx.narrator.detail(`${pool.name}: no transfer figures (its host is gone)`);
    return;
  }
  ctx.narrator.detail(
    `${customer.name} / ${pool.name}, ${t.month}: ${t.usedGB} GB sent of ${t.allowanceGB} GB (${t.percent === null ? '-' : `${t.percent}%`}), ` +
      `${t.projectedGB} GB projected for the month; shared by its ${pool.serverCount} server(s)`,
  );
}
