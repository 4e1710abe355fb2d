import type { SimDomain } from '../state/host-state';

/** libxl's JSON of a domain config (4.17 pretty-printer: 4 spaces, `"key": value`). No cpu_time here. */
export function domainConfigJson(d: SimDomain): object {
  const bits = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const typeInfo = d.type === 'pv' ? { pv: d.bootloader ? { bootloader: d.bootloader } : {} } : { [d.type]: {} };
  // libxl 4.17 keeps a direct kernel boot in b_info.kernel/ramdisk/cmdline for every type (the type.pv copies are deprecated).
  const kernelBoot = {
    ...(d.kernel !== undefined ? { kernel: d.kernel } : {}),
    ...(d.ramdisk !== undefined ? { ramdisk: d.ramdisk } : {}),
    ...(d.cmdline !== undefined ? { cmdline: d.cmdline } : {}),
  };
  return {
    domid: d.domid,
    config: {
      c_info: { type: d.type, name: d.name, uuid: d.uuid, run_hotplug_scripts: 'True' },
      b_info: {
        max_vcpus: d.maxVcpus,
        avail_vcpus: bits(d.vcpus),
        max_memkb: d.maxMemMiB * 1024,
        target_memkb: d.targetMiB * 1024,
        shadow_memkb: 0,
        sched_params: { sched: 'credit2', weight: d.cpuWeight, cap: d.capPercent },
        ...kernelBoot,
        ...(d.type !== 'pv' && d.bootloader ? { bootloader: d.bootloader } : {}),
        type: typeInfo,
      },
      disks: d.disks.map((disk) => ({ pdev_path: disk.target, vdev: disk.vdev, backend: 'phy', format: 'raw', readwrite: disk.access === 'w' ? 1 : 0 })),
      nics: d.vifs.map((vif) => ({
        devid: vif.devid,
        mac: vif.mac,
        bridge: vif.bridge,
        ...(vif.rateMbitPerSec !== undefined
          ? { rate_bytes_per_interval: Math.round((vif.rateMbitPerSec * 1e6) / 8 / 20), rate_interval_usecs: 50000 }
          : {}),
      })),
      on_poweroff: d.onPoweroff,
      on_reboot: d.onReboot,
      on_crash: d.onCrash,
    },
  };
}

export function formatXlListLong(domains: readonly SimDomain[]): string {
  return `${JSON.stringify(domains.map(domainConfigJson), null, 4)}\n`;
}
