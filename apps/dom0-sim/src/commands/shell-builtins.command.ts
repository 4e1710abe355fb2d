import { fail, ok, type CommandResult } from '../command-result';
import type { CommandInput } from '../sim-runtime';

/** bash's builtin echo: words joined by one space; `-n` drops the newline, `-e` reads \n, \t and \\ escapes. */
export function echo(input: CommandInput): CommandResult {
  const args = [...input.args];
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0])) {
    const flags = args.shift() as string;
    for (const flag of flags.slice(1)) {
      if (flag === 'n') newline = false;
      else escapes = flag === 'e';
    }
  }
  let text = args.join(' ');
  if (escapes) text = text.replace(/\\([ntr\\])/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? c);
  return ok(newline ? `${text}\n` : text);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** coreutils date's format directives that the simulator knows, for a time in UTC (the Dom0's zone). */
function strftime(format: string, now: number): string | undefined {
  const seconds = Math.floor(now);
  const nanos = Math.min(999_999_999, Math.floor((now - seconds) * 1e9));
  const t = new Date(seconds * 1000);
  const directives: Record<string, () => string> = {
    s: () => String(seconds),
    N: () => String(nanos).padStart(9, '0'),
    Y: () => String(t.getUTCFullYear()),
    m: () => two(t.getUTCMonth() + 1),
    d: () => two(t.getUTCDate()),
    e: () => String(t.getUTCDate()).padStart(2),
    H: () => two(t.getUTCHours()),
    M: () => two(t.getUTCMinutes()),
    S: () => two(t.getUTCSeconds()),
    a: () => DAYS[t.getUTCDay()],
    b: () => MONTHS[t.getUTCMonth()],
    F: () => `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())}`,
    T: () => `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`,
    z: () => '+0000',
    Z: () => 'UTC',
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  let out = '';
  for (let i = 0; i < format.length; i += 1) {
    if (format[i] !== '%') {
      out += format[i];
      continue;
    }
    const directive = directives[format[i + 1] ?? ''];
    if (!directive) return undefined;
    out += directive();
    i += 1;
  }
  return out;
}

/** `date [-u] [+FORMAT]`: the simulated clock, so `date +%s.%N` stamps what the same exec line reads. */
export function date(input: CommandInput): CommandResult {
  let format = '%a %b %e %H:%M:%S %Z %Y';
  for (const arg of input.args) {
    if (arg === '-u' || arg === '--utc' || arg === '--universal') continue;
    if (!arg.startsWith('+')) return fail(`date: invalid date '${arg}'\n`);
    format = arg.slice(1);
  }
  const text = strftime(format, input.runtime.clock.now());
  // coreutils prints an unknown directive as typed; the simulator says it does not know it instead.
  if (text === undefined) return fail(`carve-sim: date format not simulated: ${format}\n`, 2);
  return ok(`${text}\n`);
}
