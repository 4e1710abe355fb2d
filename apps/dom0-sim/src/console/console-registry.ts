import type { SimRuntime } from '../sim-runtime';
import type { SimDomain, SimHostState } from '../state/host-state';
import { ExecClock } from '../state/sim-clock';
import { bootLog, bootsThroughPygrub, guestRoots, osReleaseOf, pygrubMenu } from './boot-screen';
import { GuestConsole } from './guest-console';

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
  const root = roots[0];
  const created = new GuestConsole(
    {
      hostname: root?.hostname ?? domain.name,
      osRelease: osReleaseOf(runtime.state, root),
      vcpus: domain.vcpus,
      uptimeSeconds: () => Math.max(0, now() - domain.startedAt),
      now,
      root,
    },
    `${bootsThroughPygrub(domain) ? `${pygrubMenu(roots)}\x1b[2J\x1b[H` : ''}${bootLog(domain, root)}`,
  );
  byDomain.set(key, created);
  return created;
}

/** Whether the domain this console belongs to still runs (not destroyed, not rebooted into a new domid). */
export function stillRunning(runtime: SimRuntime, domain: SimDomain): boolean {
  return runtime.state.domains.some((d) => keyOf(d) === keyOf(domain));
}
