// xenstore-read / xenstore-write / xenstore-rm, for the one node carve writes: a running vif's
// rate at /local/domain/0/backend/vif/DOMID/DEVID/rate ("BYTES,USECS" of credit per interval).
// netback watches that node, so a write changes the vif's limit at once (the guest's outgoing
// traffic and `xl list -l` follow); a removal or a value netback cannot parse lifts it.
// Other nodes are not simulated and are refused, as is a node of a vif that does not exist
// (a real Dom0 would store it, to no effect: refusing it here catches a wrong domid).
import { fail, ok, type CommandResult } from '../command-result';
import type { CommandInput } from '../sim-runtime';
import { checkpointAll } from '../state/domain-counters';
import type { SimVif } from '../state/host-state';

const RATE_NODE = /^\/local\/domain\/0\/backend\/vif\/(\d+)\/(\d+)\/rate$/;
/** libxl's default credit interval; what the simulator shows in `xl list -l`. */
const INTERVAL_USECS = 50_000;

type Located = { vif: SimVif } | { error: CommandResult };

function locate(input: CommandInput, tool: string, node: string): Located {
  const m = RATE_NODE.exec(node);
  if (!m) return { error: fail(`${tool}: carve-sim simulates only /local/domain/0/backend/vif/DOMID/DEVID/rate, not ${node}\n`) };
  const domain = input.runtime.state.domains.find((d) => d.domid === Number(m[1]));
  const vif = domain?.vifs.find((v) => v.devid === Number(m[2]));
  if (!vif) return { error: fail(`${tool}: could not ${tool === 'xenstore-read' ? 'read' : tool === 'xenstore-rm' ? 'remove' : 'write'} path ${node}\n`) };
  return { vif };
}

/** netback's parse (xen_net_read_rate): "B,U" with whole numbers, anything else is no limit. */
function rateMbitOf(value: string): number | undefined {
  const m = /^(\d+),(\d+)$/.exec(value);
  if (!m) return undefined;
  const bytes = Number(m[1]);
  const usecs = Number(m[2]);
  if (!(bytes > 0) || !(usecs > 0)) return undefined;
  // Bytes per microsecond times 8 is Mbit/s.
  return (bytes * 8) / usecs;
}

function setRate(input: CommandInput, vif: SimVif, mbit: number | undefined): void {
  // Counters are lazy: what went out at the old rate is folded in before the new one applies.
  checkpointAll(input.runtime.state, input.runtime.clock.now());
  if (mbit === undefined) delete vif.rateMbitPerSec;
  else vif.rateMbitPerSec = mbit;
}

export function xenstoreWrite(input: CommandInput): CommandResult {
  const args = input.args.filter((a) => !a.startsWith('-'));
  if (args.length === 0 || args.length % 2 !== 0) return fail('Usage: xenstore-write [-h] [-s] [-R] key value [...]\n');
  const located: { vif: SimVif; value: string }[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const found = locate(input, 'xenstore-write', args[i]!);
    if ('error' in found) return found.error;
    located.push({ vif: found.vif, value: args[i + 1]! });
  }
  for (const { vif, value } of located) setRate(input, vif, rateMbitOf(value));
  return ok();
}

export function xenstoreRm(input: CommandInput): CommandResult {
  const args = input.args.filter((a) => !a.startsWith('-'));
  if (args.length === 0) return fail('Usage: xenstore-rm [-h] [-s] [-t] key [...]\n');
  for (const node of args) {
    const found = locate(input, 'xenstore-rm', node);
    if ('error' in found) return found.error;
    if (found.vif.rateMbitPerSec !== undefined) setRate(input, found.vif, undefined);
  }
  return ok();
}

export function xenstoreRead(input: CommandInput): CommandResult {
  const args = input.args.filter((a) => !a.startsWith('-'));
  if (args.length === 0) return fail('Usage: xenstore-read [-h] [-s] [-R] key [...]\n');
  let stdout = '';
  for (const node of args) {
    const found = locate(input, 'xenstore-read', node);
    if ('error' in found) return found.error;
    const mbit = found.vif.rateMbitPerSec;
    if (mbit === undefined) return fail(`xenstore-read: couldn't read path ${node}\n`, 1, stdout);
    stdout += `${Math.round((mbit * 1e6 * INTERVAL_USECS) / 8 / 1e6)},${INTERVAL_USECS}\n`;
  }
  return ok(stdout);
}
