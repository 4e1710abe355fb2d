// Medium test: a rescue config beside the normal one, through Dom0Client over real SSH
// against the simulator: direct kernel boot with the same disks, a missing kernel refused
// as xl refuses it, the normal config untouched throughout.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientTestHost, domainSpec, startClientTestHost } from './dom0-client.test-host';
import { Dom0Client } from './dom0-client';
import { Dom0OperationError } from './dom0-operation.error';

const KERNEL = '/var/lib/carve/rescue/vmlinuz';
const RAMDISK = '/var/lib/carve/rescue/initrd.img';

describe('Dom0Client rescue configs against the simulator', () => {
  let host: ClientTestHost;
  let client: Dom0Client;
  const normal = domainSpec('web1');
  const cmdline = 'console=hvc0 ip=::::web1:eth0:dhcp carve.ssh_keys=c3NoLWVkMjU1MTkgQQ==';
  const rescue = domainSpec('web1', { type: 'pv', boot: { kernel: KERNEL, ramdisk: RAMDISK, cmdline } });

  beforeAll(async () => {
    host = await startClientTestHost();
    client = host.client();
    for (const lv of ['web1-root', 'web1-root2', 'web1-swap']) await client.createVolume(lv, 1);
    await client.writeDomainConfig(normal);
  });
  afterAll(() => host.close());

  it('writes the rescue config as its own file, once, and leaves the normal one alone', async () => {
    expect(await client.writeDomainConfig(rescue, 'rescue')).toEqual({ changed: true });
    expect(await client.writeDomainConfig(rescue, 'rescue')).toEqual({ changed: false });
    expect(await client.readDomainConfig('web1', 'rescue')).toEqual(rescue);
    expect(await client.readDomainConfig('web1')).toEqual(normal);
    expect(Object.keys(host.sim.state.files).filter((p) => p.startsWith('/etc/xen/')).sort()).toEqual(['/etc/xen/web1.cfg', '/etc/xen/web1.rescue.cfg']);
  });

  it('boots the rescue kernel with the same disks in the same order, under the same name', async () => {
    expect(await client.createDomain('web1', 'rescue')).toMatchObject({ created: true });
    const detail = await client.domainDetail('web1');
    expect(detail).toMatchObject({ kernel: KERNEL, ramdisk: RAMDISK, cmdline, bootloader: undefined });
    expect(detail!.disks.map((d) => [d.pdevPath, d.vdev])).toEqual(normal.disks.map((d) => [d.target, d.vdev]));
    expect(detail!.nics.map((n) => n.mac)).toEqual([normal.vifs[0]!.mac]);
    // Asked again (a retried job step): the domain is there, nothing happens.
    expect(await client.createDomain('web1', 'rescue')).toMatchObject({ created: false });
    await client.destroyDomain('web1');
    await client.createDomain('web1');
    expect(await client.domainDetail('web1')).toMatchObject({ kernel: undefined, bootloader: 'pygrub' });
    await client.destroyDomain('web1');
  });

  it('refuses a missing kernel as boot_file_missing, with no domain left behind', async () => {
    await host.simControl(`rm -f ${KERNEL}`);
    const refused = await client.createDomain('web1', 'rescue').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Dom0OperationError);
    expect(refused).toMatchObject({ code: 'boot_file_missing', transient: false });
    expect((refused as Dom0OperationError).message).toMatch(/kernel or ramdisk/);
    expect(await client.domainByName('web1')).toBeNull();
  });

  it('removes the rescue config only', async () => {
    expect(await client.removeDomainConfig('web1', 'rescue')).toEqual({ removed: true });
    expect(await client.removeDomainConfig('web1', 'rescue')).toEqual({ removed: false });
    expect(await client.readDomainConfig('web1')).toEqual(normal);
  });
});
