import { describe, expect, it } from '@jest/globals';
import { parseDomainConfig, renderDomainConfig } from '@carve/xen';
import { ServerDisk } from '../server-disk.entity';
import { Server } from '../server.entity';
import { domainSpecFor, configDisks } from '../handlers/domain-spec-for';
import { DEFAULT_RESCUE_IMAGE, isRescueBoot, rescueCmdline, rescueCmdlineProblem, rescueDomainSpecFor, rescueKeys } from './rescue-boot';

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const server = Object.assign(new Server(), {
  id: '3f2b8c4e-1d7a-4c55-9a0e-6b1f2d3c4e5f',
  name: 'Web 1',
  domainName: 'web1-3f2b8c4e',
  memoryMiB: 2048,
  maxMemoryMiB: 4096,
  vcpus: 2,
  maxVcpus: 4,
  cpuCapPercent: 50,
  cpuWeight: 512,
  networkRateMbit: 100,
  sshPublicKeys: [`${ED} alice@laptop`],
});
const disk = (id: string, label: string, position: number, state: ServerDisk['state'] = 'present'): ServerDisk =>
  Object.assign(new ServerDisk(), { id, label, position, state, volumeName: `web1-3f2b8c4e-${label}`, role: 'data', filesystem: 'ext4', sizeGiB: 1 });

describe('rescue boot', () => {
  it('authorises the server keys and the users keys once each, without comments', () => {
    expect(rescueKeys(server.sshPublicKeys, [`${ED} alice@phone`, 'ssh-rsa AAAAB3Nza bob'])).toEqual([ED, 'ssh-rsa AAAAB3Nza']);
  });

  it('passes DHCP networking with the host name and the keys as one base64 word', () => {
    const cmdline = rescueCmdline(DEFAULT_RESCUE_IMAGE, server, [ED]);
    expect(cmdline).toMatch(/^boot=live console=hvc0 ip=::::web-1::dhcp carve\.ssh_keys=[A-Za-z0-9+/]+=*$/);
    const encoded = /carve\.ssh_keys=(\S+)/.exec(cmdline)![1]!;
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(`${ED}\n`);
    expect(rescueCmdline(DEFAULT_RESCUE_IMAGE, server, [])).toBe('boot=live console=hvc0 ip=::::web-1::dhcp');
  });

  it('refuses keys that would not fit the 1023 bytes Xen gives a PV command line', () => {
    const rsa4096 = `ssh-rsa ${'A'.repeat(716)}`;
    expect(rescueCmdlineProblem(rescueCmdline(DEFAULT_RESCUE_IMAGE, server, [ED, ED.replace('Jl', 'Jm')]))).toBeNull();
    expect(rescueCmdlineProblem(rescueCmdline(DEFAULT_RESCUE_IMAGE, server, [rsa4096]))).toMatch(/would be \d+ bytes .*Xen allows 1023/);
  });

  it('boots the same disks at the same vdevs with the same vif and limits, from the rescue kernel', () => {
    const disks = [disk('c', 'data', 2), disk('a', 'root', 0), disk('b', 'root2', 1), disk('d', 'new', 3, 'pending')];
    const normal = domainSpecFor(server, configDisks(disks), 'vg0');
    const rescue = rescueDomainSpecFor(server, disks, 'vg0', DEFAULT_RESCUE_IMAGE, [ED]);
    expect(rescue).toEqual({ ...normal, type: 'pv', boot: { kernel: '/var/lib/carve/rescue/vmlinuz', ramdisk: '/var/lib/carve/rescue/initrd.img', cmdline: rescueCmdline(DEFAULT_RESCUE_IMAGE, server, [ED]) } });
    expect(rescue.disks.map((d) => d.vdev)).toEqual(['xvda', 'xvdb', 'xvdc']);
    const text = renderDomainConfig(rescue);
    expect(text).toMatch(/^kernel {5}= "\/var\/lib\/carve\/rescue\/vmlinuz"$/m);
    expect(text).not.toMatch(/bootloader/);
    expect(parseDomainConfig(text)).toEqual(rescue);
  });

  it('tells the rescue system from the normal one in xl list -l', () => {
    expect(isRescueBoot({ kernel: '/var/lib/carve/rescue/vmlinuz' })).toBe(true);
    expect(isRescueBoot({ bootloader: 'pygrub' })).toBe(false);
    // libxl may keep the kernel pygrub extracted; the bootloader still says it is the normal boot.
    expect(isRescueBoot({ bootloader: 'pygrub', kernel: '/var/run/xen/bootloader.7.d/boot_kernel' })).toBe(false);
  });
});
