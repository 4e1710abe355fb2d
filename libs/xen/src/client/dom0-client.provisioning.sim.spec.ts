// Medium test: the whole provisioning life of a DomU through Dom0Client, over real
// SSH (SshConnectionPool) against the Dom0 simulator. Every step runs twice: the
// second run must change nothing and must not fail, as a retried job would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientTestHost, domainSpec, startClientTestHost } from './dom0-client.test-host';
import { Dom0Client } from './dom0-client';

const GiB = 1024 ** 3;
const twice = async <T>(step: () => Promise<T>): Promise<[T, T]> => [await step(), await step()];

describe('Dom0Client provisioning sequence against the simulator', () => {
  let host: ClientTestHost;
  let client: Dom0Client;

  beforeAll(async () => {
    host = await startClientTestHost();
    client = host.client();
  });
  afterAll(() => host.close());

  const fsOf = (lv: string) => host.sim.state.vg.lvs.find((x) => x.name === lv)?.filesystem;

  it('creates volumes, filesystems and the image, starts, reshapes, stops and removes a domain, each step idempotent', async () => {
    const spec = domainSpec('web1');
    const before = await client.volumeGroupSpace();

    // Volumes: root, standby root, data, swap.
    for (const [lv, size] of [['web1-root', 10], ['web1-root2', 10], ['web1-data', 5], ['web1-swap', 1]] as const) {
      expect(await twice(() => client.createVolume(lv, size))).toEqual([
        { created: true, device: `/dev/vg0/${lv}` },
        { created: false, device: `/dev/vg0/${lv}` },
      ]);
    }
    expect(await client.volumeExists('web1-data')).toBe(true);
    expect((await client.volumeGroupSpace()).freeBytes).toBe(before.freeBytes - 26 * GiB);

    // Filesystems with their options; making them again would wipe them, so the second run does nothing.
    expect(await twice(() => client.makeFilesystem('/dev/vg0/web1-root', 'ext4', { inodes: 200000 }))).toEqual([{ made: true }, { made: false }]);
    expect(await twice(() => client.makeFilesystem('/dev/vg0/web1-root2', 'ext3', { bytesPerInode: 16384 }))).toEqual([{ made: true }, { made: false }]);
    expect(await twice(() => client.makeFilesystem('/dev/vg0/web1-data', 'xfs'))).toEqual([{ made: true }, { made: false }]);
    expect(await twice(() => client.makeFilesystem('/dev/vg0/web1-swap', 'swap'))).toEqual([{ made: true }, { made: false }]);
    expect(fsOf('web1-root')).toMatchObject({ type: 'ext4', options: ['-F', '-q', '-N', '200000'] });
    expect(fsOf('web1-root2')).toMatchObject({ type: 'ext3', options: ['-F', '-q', '-i', '16384'] });
    expect(await client.filesystemType('/dev/vg0/web1-data')).toBe('xfs');

    // The image, hostname, fstab and key; unmounted afterwards.
    const image = {
      rootDevice: '/dev/vg0/web1-root',
      imageArchive: '/var/lib/carve/images/debian-12.tar.gz',
      hostname: 'web1.example.com',
      fstab: '/dev/xvda / ext4 errors=remount-ro 0 1\n/dev/xvdc none swap sw 0 0\n',
      authorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk customer@laptop'],
    };
    await twice(() => client.installImage(image));
    expect(host.sim.state.mounts).toEqual([]);
    expect(fsOf('web1-root')).toMatchObject({ osImage: 'debian-12' });
    expect(fsOf('web1-root')?.files).toMatchObject({
      '/etc/hostname': 'web1.example.com\n',
      '/etc/fstab': image.fstab,
      '/root/.ssh/authorized_keys': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk customer@laptop\n',
      '/etc/os-release': expect.stringContaining('ID=debian'),
    });

    // Config and start.
    expect(await client.readDomainConfig('web1')).toBeNull();
    expect(await twice(() => client.writeDomainConfig(spec))).toEqual([{ changed: true }, { changed: false }]);
    expect(await client.readDomainConfig('web1')).toEqual(spec);
    const [created, again] = await twice(() => client.createDomain('web1'));
    expect(created).toEqual({ created: true, domid: expect.any(Number) });
    expect(again).toEqual({ created: false, domid: created.domid });
    expect(await client.domainByName('web1')).toMatchObject({ domid: created.domid, memoryMiB: 2048, vcpus: 2 });
    const info = await client.hostInfo();
    expect(info.freeMemoryMiB).toBeLessThan(info.totalMemoryMiB - 4096 - 2048);

    // Live resizes within maxmem/maxvcpus.
    expect(await twice(() => client.setMemory('web1', 3072))).toEqual([{ changed: true }, { changed: false }]);
    expect(await twice(() => client.setVcpus('web1', 3))).toEqual([{ changed: true }, { changed: false }]);
    expect(await client.domainByName('web1')).toMatchObject({ memoryMiB: 3072, vcpus: 3 });

    // Beyond the maxima: written to the config, applied at the next start.
    const bigger = { ...spec, memoryMiB: 6144, maxMemoryMiB: 8192 };
    expect(await twice(() => client.writeDomainConfig(bigger))).toEqual([{ changed: true }, { changed: false }]);

    // Add a disk live; grow it while attached: the LV grows, the guest grows its filesystem.
    expect(await twice(() => client.attachDisk('web1', { device: '/dev/vg0/web1-data', vdev: 'xvdd' }))).toEqual([{ attached: true }, { attached: false }]);
    expect(await twice(() => client.growVolume('web1-data', 8, 'xfs'))).toEqual([
      { grown: true, sizeBytes: 8 * GiB, filesystem: 'guest-must-grow' },
      { grown: false, sizeBytes: 8 * GiB, filesystem: 'guest-must-grow' },
    ]);
    expect(fsOf('web1-data')?.sizeBytes).toBe(5 * GiB);

    // Counters for metering while it runs.
    const sample = await client.sampleCounters();
    expect(sample.xentop.domains.map((d) => d.name)).toEqual(['Domain-0', 'web1']);
    expect(sample.devices.vbds.map((v) => v.vdev).sort()).toEqual(['xvda', 'xvdb', 'xvdc', 'xvdd']);
    expect(sample.devices.vifs).toEqual([expect.objectContaining({ domid: created.domid, devid: 0 })]);

    // Detach, then grow offline: the Dom0 mounts the xfs, grows it, unmounts.
    expect(await twice(() => client.detachDisk('web1', 'xvdd'))).toEqual([{ detached: true }, { detached: false }]);
    expect(await twice(() => client.growVolume('web1-data', 9, 'xfs'))).toEqual([
      { grown: true, sizeBytes: 9 * GiB, filesystem: 'grown' },
      { grown: false, sizeBytes: 9 * GiB, filesystem: 'grown' },
    ]);
    expect(fsOf('web1-data')?.sizeBytes).toBe(9 * GiB);
    expect(host.sim.state.mounts).toEqual([]);

    // Reboot once, even when the job runs twice: the domid it saw first guards the retry.
    const [rebooted, notAgain] = await twice(() => client.rebootDomain('web1', { ifDomid: created.domid }));
    expect(rebooted.rebooted).toBe(true);
    expect(rebooted.domid).not.toBe(created.domid);
    expect(notAgain).toEqual({ rebooted: false, domid: rebooted.domid });
    // xl reboot keeps the running configuration; the written one waits for the next start.
    expect(await client.domainByName('web1')).toMatchObject({ memoryMiB: 3072 });

    // Stop, grow the root offline (e2fsck then resize2fs), start with the new config.
    expect(await twice(() => client.shutdownDomain('web1', { timeoutMs: 10_000 }))).toEqual([{ outcome: 'shut-down' }, { outcome: 'absent' }]);
    expect(await twice(() => client.growVolume('web1-root', 12, 'ext4'))).toEqual([
      { grown: true, sizeBytes: 12 * GiB, filesystem: 'grown' },
      { grown: false, sizeBytes: 12 * GiB, filesystem: 'grown' },
    ]);
    expect(fsOf('web1-root')?.sizeBytes).toBe(12 * GiB);
    const restarted = await client.createDomain('web1');
    expect(await client.domainByName('web1')).toMatchObject({ domid: restarted.domid, memoryMiB: 6144, vcpus: 2 });

    // Delete: destroy, remove every LV and the config.
    expect(await twice(() => client.destroyDomain('web1'))).toEqual([{ destroyed: true }, { destroyed: false }]);
    for (const lv of ['web1-root', 'web1-root2', 'web1-data', 'web1-swap']) {
      expect(await twice(() => client.removeVolume(lv))).toEqual([{ removed: true }, { removed: false }]);
    }
    expect(await twice(() => client.removeDomainConfig('web1'))).toEqual([{ removed: true }, { removed: false }]);
    expect(await client.listVolumes()).toEqual([]);
    expect((await client.listDomains()).map((d) => d.name)).toEqual(['Domain-0']);
    expect(await client.volumeGroupSpace()).toEqual(before);
  });
});
