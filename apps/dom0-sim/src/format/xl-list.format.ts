import type { DomainView } from '../state/domain-view';
import { fixed1, left, right } from './printf';

export const XL_LIST_HEADER = 'Name                                        ID   Mem VCPUs\tState\tTime(s)';

/** State letters r b p s <reason> d; a busy domain is on a pCPU, an idle one blocked. */
export function xlStateLetters(view: DomainView): string {
  return view.running ? 'r-----' : '-b----';
}

/** `%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f` */
export function formatXlListRow(view: DomainView): string {
  return `${left(view.name, 40)} ${right(view.domid, 5)} ${right(view.memoryMiB, 5)} ${right(view.vcpus, 5)}     ${xlStateLetters(view)}  ${fixed1(view.cpuSeconds, 8)}`;
}

export function formatXlList(views: readonly DomainView[]): string {
  return [XL_LIST_HEADER, ...views.map(formatXlListRow)].map((l) => `${l}\n`).join('');
}
