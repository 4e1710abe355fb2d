import { fail, ok, type CommandResult } from '../command-result';
import { HostControl } from '../host-control';
import type { CommandInput } from '../sim-runtime';
import { WORKLOAD_PROFILES, isWorkloadProfile } from '../workload-profiles';

const USAGE = `usage: carve-sim workload <domain> <${WORKLOAD_PROFILES.join('|')}>
       carve-sim fail --match <text|/regex/> [--count N] [--exit CODE] [--stderr TEXT]
       carve-sim delay --match <text|/regex/> --ms N [--count N]
       carve-sim drop --match <text|/regex/> [--count N]
       carve-sim disk-capacity [IOPS MBPS]
       carve-sim stream-rate [MBPS]   (dd of a volume; 0: unlimited)
       carve-sim clear-faults | reboot-host | time-factor F | state | reset
`;

function options(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    if (!args[i].startsWith('--')) continue;
    out.set(args[i].slice(2), args[i + 1] ?? '');
    i += 1;
  }
  return out;
}

function count(opts: Map<string, string>): number | undefined | 'bad' {
  const c = opts.get('count');
  if (c === undefined) return undefined;
  return /^\d+$/.test(c) && Number(c) > 0 ? Number(c) : 'bad';
}

/** The simulator's own control command, reachable over the same SSH session as the Dom0 tools. */
export function carveSim(input: CommandInput): CommandResult {
  const control = new HostControl(input.runtime);
  const [verb, ...rest] = input.args;
  const opts = options(rest);
  const n = count(opts);
  if (n === 'bad') return fail('carve-sim: --count must be a positive integer\n', 2);
  const match = opts.get('match');
  switch (verb) {
    case 'workload': {
      const [domain, profile] = rest;
      if (domain === undefined || profile === undefined || !isWorkloadProfile(profile)) return fail(USAGE, 2);
      return control.setWorkload(domain, profile) ? ok() : fail(`carve-sim: no running domain ${domain}\n`);
    }
    case 'fail': {
      if (!match) return fail(USAGE, 2);
      const exitCode = Number(opts.get('exit') ?? '1');
      if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) return fail('carve-sim: --exit must be 0..255\n', 2);
      const stderr = opts.get('stderr') ?? '';
      control.fail({ match, exitCode, stderr: stderr === '' || stderr.endsWith('\n') ? stderr : `${stderr}\n`, ...(n !== undefined ? { count: n } : {}) });
      return ok();
    }
    case 'delay': {
      const ms = Number(opts.get('ms'));
      if (!match || !Number.isFinite(ms) || ms < 0) return fail(USAGE, 2);
      control.delay({ match, ms, ...(n !== undefined ? { count: n } : {}) });
      return ok();
    }
    case 'drop':
      if (!match) return fail(USAGE, 2);
      control.drop({ match, ...(n !== undefined ? { count: n } : {}) });
      return ok();
    case 'disk-capacity': {
      // Without arguments: what the host's disks deliver now.
      if (rest.length === 0) {
        const { iops, mbps } = input.runtime.state.storage.capacity;
        return ok(`${iops} ${mbps}\n`);
      }
      const [iops, mbps] = rest.map(Number);
      if (rest.length !== 2 || !(iops > 0) || !(mbps > 0) || !Number.isFinite(iops) || !Number.isFinite(mbps)) {
        return fail('carve-sim: disk-capacity takes IOPS and MB/s, both positive numbers\n', 2);
      }
      control.setDiskCapacity({ iops, mbps });
      return ok();
    }
    case 'stream-rate': {
      if (rest.length === 0) return ok(`${input.runtime.state.streamRateMBps ?? 0}\n`);
      const rate = Number(rest[0]);
      if (rest.length !== 1 || !Number.isFinite(rate) || rate < 0) return fail('carve-sim: stream-rate takes MB/s, a number >= 0 (0: unlimited)\n', 2);
      input.runtime.state.streamRateMBps = rate;
      return ok();
    }
    case 'clear-faults':
      control.clearFaults();
      return ok();
    case 'reboot-host':
      control.rebootHost();
      return ok();
    case 'time-factor': {
      const f = Number(rest[0]);
      if (!Number.isFinite(f) || f <= 0) return fail('carve-sim: time factor must be a positive number\n', 2);
      control.setTimeFactor(f);
      return ok();
    }
    case 'state':
      return ok(`${JSON.stringify({ ...control.snapshot(), timeFactor: input.runtime.clock.timeFactor, simNow: input.runtime.clock.now(), faults: input.runtime.faults.describe() }, null, 2)}\n`);
    case 'reset':
      control.reset();
      return ok();
    default:
      return fail(USAGE, 2);
  }
}
