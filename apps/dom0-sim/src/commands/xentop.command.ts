import { fail, ok, type CommandResult } from '../command-result';
import { formatXentopIteration, type XentopOptions, type XentopRow } from '../format/xentop.format';
import type { CommandInput } from '../sim-runtime';
import { countersAt } from '../state/domain-counters';
import { allDomainViews } from '../state/domain-view';

interface XentopArgs {
  batch: boolean;
  iterations: number;
  delaySeconds: number;
  fullNames: boolean;
  vbdDetail: boolean;
  netDetail: boolean;
  repeatHeader: boolean;
}

/** getopt-style: flags may be grouped (`-bf`) and values attached (`-i2`). */
function parseArgs(args: string[]): XentopArgs | string {
  const out: XentopArgs = { batch: false, iterations: Infinity, delaySeconds: 3, fullNames: false, vbdDetail: false, netDetail: false, repeatHeader: false };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') return `xentop: invalid argument '${arg}'`;
    for (let j = 1; j < arg.length; j += 1) {
      const flag = arg[j];
      if (flag === 'i' || flag === 'd') {
        const value = arg.slice(j + 1) || args[++i];
        const n = Number(value);
        if (value === undefined || !Number.isFinite(n) || n <= 0) return `xentop: invalid ${flag === 'i' ? 'iterations' : 'delay'} '${value ?? ''}'`;
        if (flag === 'i') out.iterations = Math.floor(n);
        else out.delaySeconds = n;
        break;
      }
      if (flag === 'b') out.batch = true;
      else if (flag === 'f') out.fullNames = true;
      else if (flag === 'x') out.vbdDetail = true;
      else if (flag === 'n') out.netDetail = true;
      else if (flag === 'r') out.repeatHeader = true;
      else if (flag !== 'v') return `xentop: invalid option -- '${flag}'`;
    }
  }
  return out;
}

export async function xentop(input: CommandInput): Promise<CommandResult> {
  const parsed = parseArgs(input.args);
  if (typeof parsed === 'string') return fail(`${parsed}\nTry 'xentop --help' for more information.\n`, 1);
  // Without -b xentop needs a terminal; over a plain exec channel it cannot draw.
  if (!parsed.batch) return fail('Error opening terminal: unknown.\n', 1);
  // A batch run without -i never ends; the simulator caps it so a stray call returns.
  const iterations = Number.isFinite(parsed.iterations) ? parsed.iterations : 1;
  const { runtime } = input;
  const options: XentopOptions = { fullNames: parsed.fullNames, vbdDetail: parsed.vbdDetail, netDetail: parsed.netDetail, repeatHeader: parsed.repeatHeader, totalMemoryMiB: runtime.state.totalMemoryMiB };
  let previous = new Map<number, { cpu: number; at: number }>();
  let out = '';
  for (let n = 0; n < iterations; n += 1) {
    if (n > 0) await runtime.sleepSim(parsed.delaySeconds, input.closed);
    const now = runtime.clock.now();
    const { state } = runtime;
    const rows: XentopRow[] = allDomainViews(state, now).map((view) => {
      const before = previous.get(view.domid);
      const cpuPercent = before && now > before.at ? ((view.cpuSeconds - before.cpu) / (now - before.at)) * 100 : 0;
      return { view, counters: view.domain ? countersAt(state, view.domain, now) : undefined, cpuPercent };
    });
    previous = new Map(rows.map((r) => [r.view.domid, { cpu: r.view.cpuSeconds, at: now }]));
    out += formatXentopIteration(rows, options);
  }
  return ok(out);
}
