import { fail, ok, type CommandResult } from '../command-result';
import { formatXlInfo, xlInfoFields } from '../format/xl-info.format';
import { formatXlList } from '../format/xl-list.format';
import { formatXlListLong } from '../format/xl-list-long.format';
import { formatXlUptime } from '../format/xl-uptime.format';
import { formatVcpuList } from '../format/xl-vcpu-list.format';
import { left, right } from '../format/printf';
import type { CommandInput } from '../sim-runtime';
import { vdevNumber } from '../state/domain-counters';
import { allDomainViews, lookupDomain, type DomainView } from '../state/domain-view';
import { isResult, requiresArgs, resolveDomain } from './xl-domain-arg';

/** Views for `xl <cmd> [dom...]`: all domains, or the named ones (xl list's own unknown-id message). */
function selectViews(input: CommandInput, names: string[], listStyle: boolean): DomainView[] | CommandResult {
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  if (names.length === 0) return allDomainViews(state, now);
  const out: DomainView[] = [];
  for (const n of names) {
    if (listStyle) {
      const found = lookupDomain(state, n, now);
      if (found.kind === 'no-name') return fail(`${n} is an invalid domain identifier (rc=-6)\n`);
      if (found.kind === 'no-id') return fail(`Error: Domain '${found.domid}' does not exist.\n`);
      out.push(found.view);
    } else {
      const view = resolveDomain(state, n, now);
      if (isResult(view)) return view;
      out.push(view);
    }
  }
  return out;
}

export function xlList(input: CommandInput): CommandResult {
  const long = input.args.includes('-l') || input.args.includes('--long');
  const names = input.args.filter((a) => !a.startsWith('-'));
  const views = selectViews(input, names, true);
  if (isResultLike(views)) return views;
  if (long) return ok(formatXlListLong(views.flatMap((v) => (v.domain ? [v.domain] : []))));
  return ok(formatXlList(views));
}

export function xlUptime(input: CommandInput): CommandResult {
  const short = input.args.includes('-s');
  const views = selectViews(input, input.args.filter((a) => !a.startsWith('-')), false);
  if (isResultLike(views)) return views;
  return ok(formatXlUptime(views, input.runtime.clock.now(), short));
}

export function xlVcpuList(input: CommandInput): CommandResult {
  const views = selectViews(input, input.args.filter((a) => !a.startsWith('-')), false);
  if (isResultLike(views)) return views;
  return ok(formatVcpuList(views, input.runtime.state.cpus));
}

export function xlInfo(input: CommandInput): CommandResult {
  const fields = xlInfoFields(input.runtime.state);
  const wanted = input.args.filter((a) => !a.startsWith('-'));
  if (wanted.length === 0) return ok(formatXlInfo(fields));
  // `xl info free_memory` prints the bare value of the first field the word prefixes.
  const hit = fields.find(([k]) => k.startsWith(wanted[0]));
  return ok(hit ? `${hit[1]}\n` : '');
}

export function xlBlockList(input: CommandInput): CommandResult {
  if (input.args.length < 1) return requiresArgs('block-list', 1);
  const now = input.runtime.clock.now();
  let out = `${left('Vdev', 5)} ${left('BE', 3)} ${left('handle', 6)} ${left('state', 5)} ${left('evt-ch', 6)} ${left('ring-ref', 8)} ${left('BE-path', 30)}\n`;
  for (const q of input.args) {
    const view = resolveDomain(input.runtime.state, q, now);
    if (isResult(view)) return view;
    (view.domain?.disks ?? []).forEach((disk, i) => {
      const vdev = vdevNumber(disk.vdev);
      out += `${left(vdev, 5)} ${left(0, 3)} ${left(view.domid, 6)} ${left(4, 5)} ${left(20 + i * 2, 6)} ${left(8 + i, 8)} ${left(`/local/domain/0/backend/vbd/${view.domid}/${vdev}`, 30)}\n`;
    });
  }
  return ok(out);
}

/** `xl sched-credit2` listing, or for one domain with `-d dom` and no change. */
export function formatSchedCredit2(views: readonly DomainView[], withPool: boolean): string {
  const head = withPool ? 'Cpupool Pool-0: ratelimit=1000us\n' : '';
  const header = `${left('Name', 33)} ${right('ID', 4)} ${right('Weight', 6)} ${right('Cap', 4)}\n`;
  return head + header + views.map((v) => `${left(v.name, 33)} ${right(v.domid, 4)} ${right(v.cpuWeight, 6)} ${right(v.capPercent, 4)}\n`).join('');
}

function isResultLike(x: DomainView[] | CommandResult): x is CommandResult {
  return !Array.isArray(x);
}
