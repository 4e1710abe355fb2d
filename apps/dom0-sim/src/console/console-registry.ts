import type { SimRuntime } from '../sim-runtime';
import type { SimDomain, SimHostState } from '../state/host-state';
import { ExecClock } from '../state/sim-clock';
import { bootLog, bootsThroughPygrub, guestRoots, kernelCmdline, osReleaseOf, pygrubEntries, pygrubTimeoutOf, type GuestRoot } from './boot-screen';
import { GuestConsole, type ConsoleBoot } from './guest-console';

/**
 * Consoles live in memory beside the host state, not in the state file: a simulator
 * restart is a host reboot for the console (the screen starts over), as xenconsoled's
 * buffer would. Kept per host state (a reset is a new host) and keyed by domid and start
 * time, so a rebooted domain (new domid) boots anew.
 */
const consoles = new WeakMap<SimHostState, Map<string, GuestConsole>>();

const keyOf = (domain: SimDomain): string => `${domain.domid}@${domain.startedAt}`;

export function consoleOf(runtime: SimRuntime, domain: SimDomain): GuestConsole {
  let byDomain = consoles.get(runtime.state);
  if (!byDomain) {
    byDomain = new Map();
    consoles.set(runtime.state, byDomain);
  }
  // An exec's clock holds the instant the command started; the console outlives it.
  const now = (): number => {
    if (runtime.clock instanceof ExecClock) runtime.clock.catchUp();
    return runtime.clock.now();
  };
  const live = new Set(runtime.state.domains.map(keyOf));
  for (const key of byDomain.keys()) if (!live.has(key)) byDomain.delete(key);
  const key = keyOf(domain);
  const existing = byDomain.get(key);
  if (existing) return existing;
  const roots = guestRoots(runtime.state, domain);
  const throughPygrub = bootsThroughPygrub(domain);
  const kernel = (entry: number): ReturnType<ConsoleBoot['kernel']> => {
    // The entry picked at pygrub's menu is the root the kernel mounts; a direct kernel boot
    // (rescue) runs a live system whose facts still come from the first root, as before.
    const root: GuestRoot | undefined = roots[entry] ?? roots[0];
    return {
      facts: {
        hostname: root?.hostname ?? domain.name,
        osRelease: osReleaseOf(runtime.state, root),
        vcpus: domain.vcpus,
        uptimeSeconds: () => Math.max(0, now() - domain.startedAt),
        now,
        root,
        cmdline: kernelCmdline(domain, root),
        rootMount: throughPygrub ? { source: `/dev/${root?.vdev ?? 'xvda'}`, fstype: 'ext4' } : { source: 'overlay', fstype: 'overlay' },
      },
      log: bootLog(domain, root),
    };
  };
  // pygrub started with the domain; a console attached later joins its countdown (real
  // seconds: the simulated clock runs timeFactor times faster).
  const elapsedSeconds = (now() - domain.startedAt) / (runtime.clock.timeFactor > 0 ? runtime.clock.timeFactor : 1);
  const menu = throughPygrub ? { entries: pygrubEntries(roots), timeoutSeconds: pygrubTimeoutOf(runtime.state, roots[0]), elapsedSeconds } : undefined;
  const created = new GuestConsole({ menu, kernel });
  byDomain.set(key, created);
  return created;
}

/** Whether the domain this console belongs to still runs (not destroyed, not rebooted into a new domid). */
export function stillRunning(runtime: SimRuntime, domain: SimDomain): boolean {
  return runtime.state.domains.some((d) => keyOf(d) === keyOf(domain));
}
