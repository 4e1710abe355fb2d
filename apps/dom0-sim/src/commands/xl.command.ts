import { fail, type CommandResult } from '../command-result';
import { xlConsole } from '../console/xl-console.command';
import type { CommandInput } from '../sim-runtime';
import { xentop } from './xentop.command';
import { xlCreate, xlDestroy, xlReboot, xlShutdown } from './xl-lifecycle.command';
import { xlBlockList, xlInfo, xlList, xlUptime, xlVcpuList } from './xl-query.command';
import { xlBlockAttach, xlBlockDetach, xlMemSet, xlSchedCredit2, xlVcpuSet } from './xl-resources.command';

type Handler = (input: CommandInput) => CommandResult | Promise<CommandResult>;

const SUBCOMMANDS: Record<string, Handler> = {
  list: xlList,
  li: xlList,
  uptime: xlUptime,
  info: xlInfo,
  'vcpu-list': xlVcpuList,
  create: xlCreate,
  shutdown: xlShutdown,
  destroy: xlDestroy,
  reboot: xlReboot,
  'mem-set': xlMemSet,
  'vcpu-set': xlVcpuSet,
  'sched-credit2': xlSchedCredit2,
  'block-attach': xlBlockAttach,
  'block-detach': xlBlockDetach,
  'block-list': xlBlockList,
  top: xentop,
  console: xlConsole,
};

export function xl(input: CommandInput): CommandResult | Promise<CommandResult> {
  // Global options (-v, -N, -f) come before the subcommand.
  const args = [...input.args];
  while (args[0]?.startsWith('-')) args.shift();
  const [sub, ...rest] = args;
  if (sub === undefined) return fail('Usage xl [-vfNtT] <subcommand> [args]\n', 1);
  const handler = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  // xl's own words for a subcommand it does not know (tools/xl/xl.c), not a gap in the simulator.
  if (!handler) return fail(`command not implemented\n`, 1);
  return handler({ ...input, args: rest });
}
