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
