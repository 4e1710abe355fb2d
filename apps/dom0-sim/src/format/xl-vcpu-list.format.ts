import type { DomainView } from '../state/domain-view';
import { fixed1, left, right } from './printf';

export const VCPU_LIST_HEADER = `${left('Name', 32)} ${right('ID', 5)} ${right('VCPU', 5)} ${right('CPU', 5)} ${right('State', 5)} ${right('Time(s)', 9)} Affinity (Hard / Soft)`;

/** One line per vCPU up to maxvcpus; offline ones show `-` for CPU and `--p`. */
export function formatVcpuList(views: readonly DomainView[], hostCpus: number): string {
  const lines = [VCPU_LIST_HEADER];
  for (const v of views) {
    for (let vcpu = 0; vcpu < v.maxVcpus; vcpu += 1) {
      const online = vcpu < v.vcpus;
      const cpu = online ? right((v.domid * 3 + vcpu) % hostCpus, 4) : right('-', 4);
      const state = online ? (v.running ? 'r--' : '-b-') : '--p';
      const time = online ? v.cpuSeconds / v.vcpus : 0;
      // Row spacing as xl prints it (CPU is one column narrower than its heading).
      lines.push(`${left(v.name, 32)} ${right(v.domid, 5)} ${right(vcpu, 5)} ${cpu}   ${state} ${fixed1(time, 9)}  all / all`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
