/**
 * Faults staged by tests and demos. Each rule matches a command line by
 * substring or `/regex/flags` and fires `count` times (forever when absent).
 */
export interface FailRule {
  match: string;
  count?: number;
  exitCode: number;
  stderr: string;
}
export interface DelayRule {
  match: string;
  ms: number;
  count?: number;
}
export interface DropRule {
  match: string;
  count?: number;
}

export interface FaultPlan {
  fail?: { exitCode: number; stderr: string };
  delayMs: number;
  drop: boolean;
}

export function matcher(pattern: string): (line: string) => boolean {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (re) {
    const regex = new RegExp(re[1], re[2]);
    return (line) => regex.test(line);
  }
  return (line) => line.includes(pattern);
}

interface Armed<T> {
  rule: T;
  test: (line: string) => boolean;
  remaining: number;
}

export class FaultRules {
  private fails: Armed<FailRule>[] = [];
  private delays: Armed<DelayRule>[] = [];
  private drops: Armed<DropRule>[] = [];

  addFail(rule: FailRule): void {
    this.fails.push(arm(rule));
  }
  addDelay(rule: DelayRule): void {
    this.delays.push(arm(rule));
  }
  addDrop(rule: DropRule): void {
    this.drops.push(arm(rule));
  }
  clear(): void {
    this.fails = [];
    this.delays = [];
    this.drops = [];
  }

  /** What to do to this command line; consumes one use of each rule that fires. */
  plan(line: string): FaultPlan {
    const drop = take(this.drops, line);
    const delay = take(this.delays, line);
    const fail = take(this.fails, line);
    return {
      drop: drop !== undefined,
      delayMs: delay?.ms ?? 0,
      ...(fail ? { fail: { exitCode: fail.exitCode, stderr: fail.stderr } } : {}),
    };
  }

  describe(): { fail: FailRule[]; delay: DelayRule[]; drop: DropRule[] } {
    const left = <T extends { count?: number }>(a: Armed<T>[]): T[] =>
      a.map((x) => ({ ...x.rule, ...(Number.isFinite(x.remaining) ? { count: x.remaining } : {}) }));
    return { fail: left(this.fails), delay: left(this.delays), drop: left(this.drops) };
  }
}

function arm<T extends { match: string; count?: number }>(rule: T): Armed<T> {
  return { rule, test: matcher(rule.match), remaining: rule.count ?? Infinity };
}

function take<T>(rules: Armed<T>[], line: string): T | undefined {
  const hit = rules.find((r) => r.remaining > 0 && r.test(line));
  if (!hit) return undefined;
  hit.remaining -= 1;
  if (hit.remaining <= 0) rules.splice(rules.indexOf(hit), 1);
  return hit.rule;
}
