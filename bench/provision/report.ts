import { textTable } from '../../scripts/demo/text-table';

export interface Row {
  metric: string;
  value: string;
  target?: string;
  met?: boolean;
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}

export function rate(value: number, unit: string): string {
  return `${value.toFixed(1)} ${unit}/s`;
}

export function printReport(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}\n`);
  console.log(
    textTable(
      ['metric', 'value', 'target', 'met'],
      rows.map((r) => [r.metric, r.value, r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']),
      [1],
    ),
  );
}

/** CPU each process used in one phase, in % of one core over the phase's wall time. */
export interface CpuRow {
  phase: string;
  wallMs: number;
  percent: ReadonlyMap<string, number>;
  machineBusyPercent: number;
}

/** Where the two cores went in each phase: what dominates when a target is missed. */
export function printCpuReport(rows: readonly CpuRow[]): void {
  const names = [...new Set(rows.flatMap((r) => [...r.percent.keys()]))];
  console.log(`\nCPU per process and phase, % of one core (machine busy: % of all cores)\n`);
  console.log(
    textTable(
      ['phase', 'wall', ...names, 'machine busy'],
      rows.map((r) => [r.phase, ms(r.wallMs), ...names.map((n) => (r.percent.has(n) ? `${r.percent.get(n)!.toFixed(0)}%` : '')), `${r.machineBusyPercent.toFixed(0)}%`]),
      [1, ...names.map((_, i) => i + 2), names.length + 2],
    ),
  );
}
