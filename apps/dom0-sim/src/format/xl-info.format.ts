import { freeMemoryMiB } from '../state/domain-view';
import type { SimHostState } from '../state/host-state';

export const KERNEL_RELEASE = '6.1.0-28-amd64';

/** `xl info` fields in xl's order, for a Debian 12 host running Xen 4.17. */
export function xlInfoFields(state: SimHostState): [string, string][] {
  const threadsPerCore = state.cpus % 2 === 0 ? 2 : 1;
  return [
    ['host', state.hostname],
    ['release', KERNEL_RELEASE],
    ['version', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)'],
    ['machine', 'x86_64'],
    ['nr_cpus', String(state.cpus)],
    ['max_cpu_id', String(state.cpus - 1)],
    ['nr_nodes', '1'],
    ['cores_per_socket', String(state.cpus / threadsPerCore)],
    ['threads_per_core', String(threadsPerCore)],
    ['cpu_mhz', '2394.454'],
    ['hw_caps', 'bfebfbff:77fef3ff:2c100800:00000121:0000000f:009c6fbf:00000000:00000100'],
    ['virt_caps', 'pv hvm hvm_directio pv_directio hap shadow iommu_hap_pt_share vmtrace gnttab-v1 gnttab-v2'],
    ['total_memory', String(state.totalMemoryMiB)],
    ['free_memory', String(freeMemoryMiB(state))],
    ['sharing_freed_memory', '0'],
    ['sharing_used_memory', '0'],
    ['outstanding_claims', '0'],
    ['free_cpus', '0'],
    ['xen_major', '4'],
    ['xen_minor', '17'],
    ['xen_extra', '.5'],
    ['xen_version', '4.17.5'],
    ['xen_caps', 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
    ['xen_scheduler', 'credit2'],
    ['xen_pagesize', '4096'],
    ['platform_params', 'virt_start=0xffff800000000000'],
    ['xen_changeset', ''],
    ['xen_commandline', `placeholder dom0_mem=${state.dom0MemMiB}M,max:${state.dom0MemMiB}M dom0_max_vcpus=${state.dom0Vcpus} no-real-mode edd=off`],
    ['cc_compiler', 'x86_64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0'],
    ['cc_compile_by', 'pkg-xen-devel'],
    ['cc_compile_domain', 'lists.alioth.debian.org'],
    ['cc_compile_date', 'Tue Aug 13 10:12:36 UTC 2024'],
    ['build_id', '6f3c2a0e5d1b4c7a9e8f0a1b2c3d4e5f60718293'],
    ['xend_config_format', '4'],
  ];
}

export function formatXlInfo(fields: readonly [string, string][]): string {
  return fields.map(([k, v]) => `${k.padEnd(23)}: ${v}\n`).join('');
}
