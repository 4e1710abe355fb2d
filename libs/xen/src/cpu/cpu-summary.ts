import { CpuUse } from './cpu-use';

export type PercentFormatter = (percent: number) => string;

/** One decimal, as the classic script printed. */
export const oneDecimal: PercentFormatter = (percent) => percent.toFixed(1);

/**
 * "NAME uses X% of one CPU" per domain, highest first (ties by name, so the
 * output is stable), then "Overall CPU use approximates Y% of one CPU".
 */
export function formatCpuSummary(uses: readonly CpuUse[], format: PercentFormatter = oneDecimal): string[] {
  const sorted = [...uses].sort((a, b) => b.percentOfOneCpu - a.percentOfOneCpu || a.name.localeCompare(b.name));
  const total = uses.reduce((sum, u) => sum + u.percentOfOneCpu, 0);
  return [...sorted.map((u) => `${u.name} uses ${format(u.percentOfOneCpu)}% of one CPU`), `Overall CPU use approximates ${format(total)}% of one CPU`];
}
