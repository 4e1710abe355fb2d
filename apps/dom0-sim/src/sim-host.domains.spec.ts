import { DOMAIN_CFG, createDomain, startSimFixture, type SimFixture } from './testing/sim-client';

describe('simulated Dom0 over SSH: domains', () => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await startSimFixture({ name: 'sim-t', totalMemoryMiB: 16384, dom0MemMiB: 4096 });
  });
  afterEach(() => f.close());

  it('creates and destroys domains with increasing domids and falling free memory', async () => {
    const free0 = Number((await f.client.exec('xl info free_memory')).stdout);
    expect(free0).toBe(16384 - 4096);
    const created = await createDomain(f.client, 'web1', 2048);
    expect(created).toEqual({ stdout: '', stderr: 'Parsing config from /etc/xen/web1.cfg\n', exitCode: 0 });
    await createDomain(f.client, 'web2', 1024);
    const free2 = Number((await f.client.exec('xl info free_memory')).stdout);
    expect(free2).toBe(free0 - 2050 - 1026);
    const list = (await f.client.exec('xl list')).stdout.split('\n');
    expect(list[1]).toMatch(/^Domain-0 +0 +4096 /);
    expect(list[2]).toMatch(/^web1 +1 +2048 +2 +-b---- +\d+\.\d$/);
    expect(list[3]).toMatch(/^web2 +2 +1024 /);
    expect(await f.client.exec('xl destroy web1')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    await f.client.exec('xl create /etc/xen/web1.cfg');
    expect(f.host.state.domains.map((d) => [d.name, d.domid])).toEqual([['web2', 2], ['web1', 3]]);
    const info = (await f.client.exec('xl info')).stdout;
    expect(info).toContain('xen_commandline        : placeholder dom0_mem=4096M,max:4096M');
    expect(info).toMatch(/^total_memory {11}: 16384$/m);
  });

  it('reboot and shutdown', async () => {
    await createDomain(f.client, 'web1');
    expect((await f.client.exec('xl reboot web1')).stderr).toBe('Rebooting domain 1\n');
    expect(f.host.state.domains[0].domid).toBe(2);
    const shut = await f.client.exec('xl shutdown -w web1');
    expect(shut.exitCode).toBe(0);
    expect(shut.stderr).toContain('Shutting down domain 2\n');
    expect(f.host.state.domains).toEqual([]);
  });

  it('prints the real error texts', async () => {
    await createDomain(f.client, 'web1', 2048);
    const dup = await f.client.exec('xl create /etc/xen/web1.cfg');
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain('Domain with name "web1" already exists.');

    await f.client.exec('lvcreate -n big-root -L 1G vg0');
    await f.client.exec('cat > /etc/xen/big.cfg', DOMAIN_CFG('big', 20000));
    const big = await f.client.exec('xl create /etc/xen/big.cfg');
    expect(big.exitCode).toBe(1);
    expect(big.stderr).toMatch(/^Parsing config from \/etc\/xen\/big.cfg\nlibxl: error: .*\nfailed to free memory for the domain\n$/);

    expect(await f.client.exec('xl list foo')).toEqual({ stdout: '', stderr: 'foo is an invalid domain identifier (rc=-6)\n', exitCode: 1 });
    expect((await f.client.exec('xl list 42')).stderr).toBe("Error: Domain '42' does not exist.\n");
    expect((await f.client.exec('xl destroy foo')).stderr).toBe('foo is an invalid domain identifier (rc=-6)\n');

    const mem = await f.client.exec('xl mem-set web1 5g');
    expect(mem.exitCode).toBe(1);
    expect(mem.stderr).toContain('memory_dynamic_max must be less than or equal to memory_static_max');
    expect(await f.client.exec('xl mem-set web1 3072')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(f.host.state.domains[0].memoryMiB).toBe(3072);

    const vcpu = await f.client.exec('xl vcpu-set web1 8');
    expect(vcpu.stderr).toContain('Requested 8 VCPUs, however maxcpus is 4!');
    expect((await f.client.exec('xl vcpu-set web1 3')).exitCode).toBe(0);

    expect(await f.client.exec('foo --bar')).toEqual({ stdout: '', stderr: 'bash: line 1: foo: command not found\n', exitCode: 127 });
    expect((await f.client.exec('xl mem-set web1')).stderr).toBe("'xl mem-set' requires at least 2 arguments.\n\n");
  });

  it('LVM constraints and messages', async () => {
    expect(await f.client.exec('lvcreate -n a -L 10G vg0')).toEqual({ stdout: '  Logical volume "a" created.\n', stderr: '', exitCode: 0 });
    expect((await f.client.exec('lvcreate -y -W y -n a -L 10G vg0')).stderr).toBe('  Logical volume "a" already exists in volume group "vg0"\n');
    const huge = await f.client.exec('lvcreate -n huge -L 5000G vg0');
    expect(huge.exitCode).toBe(5);
    expect(huge.stderr).toBe(`  Volume group "vg0" has insufficient free space (${(1800 * 1024) / 4 - 2560} extents): ${(5000 * 1024) / 4} required.\n`);
    expect((await f.client.exec('lvextend -L 5G vg0/a')).stderr).toBe('  New size given (1280 extents) not larger than existing size (2560 extents)\n');
    expect((await f.client.exec('lvextend -L +5G vg0/a')).stdout).toContain('Logical volume vg0/a successfully resized.');
    expect((await f.client.exec('lvs --noheadings --units b --nosuffix -o lv_name,lv_size vg0')).stdout).toBe(`  a ${15 * 1024 ** 3}\n`);
    expect((await f.client.exec('vgs --noheadings --units b --nosuffix -o vg_size,vg_free vg0')).stdout).toBe(`  ${1800 * 1024 ** 3} ${1785 * 1024 ** 3}\n`);

    await createDomain(f.client, 'web1');
    expect(await f.client.exec('lvremove -f vg0/web1-root')).toEqual({ stdout: '', stderr: '  Logical volume vg0/web1-root in use.\n', exitCode: 5 });
    await f.client.exec('xl destroy web1');
    expect((await f.client.exec('lvremove -f vg0/web1-root')).stdout).toBe('  Logical volume "web1-root" successfully removed.\n');

    const missing = await f.client.exec('xl create /etc/xen/web1.cfg');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('failed to stat: /dev/vg0/web1-root: No such file or directory');
  });

  it('filesystems: make, mount, unpack an OS, grow', async () => {
    await f.client.exec('lvcreate -n r -L 10G vg0');
    expect((await f.client.exec('mkfs.ext4 -F -q -N 100000 /dev/vg0/r')).exitCode).toBe(0);
    const fs = f.host.state.vg.lvs[0].filesystem;
    expect(fs?.type).toBe('ext4');
    expect(fs?.options).toEqual(['-F', '-q', '-N', '100000']);
    expect(fs?.inodeCount).toBeGreaterThanOrEqual(100000);
    expect((await f.client.exec('mount /dev/vg0/r /mnt/r')).stderr).toBe('mount: /mnt/r: mount point does not exist.\n');
    await f.client.exec('mkdir -p /mnt/r');
    expect((await f.client.exec('mount /dev/vg0/r /mnt/r')).exitCode).toBe(0);
    expect((await f.client.exec('tar -xzf /var/lib/carve/images/nope.tar.gz -C /mnt/r')).exitCode).toBe(2);
    expect((await f.client.exec('tar -xzf /var/lib/carve/images/debian-12.tar.gz -C /mnt/r')).exitCode).toBe(0);
    expect((await f.client.exec('cat /mnt/r/etc/os-release')).stdout).toContain('ID=debian');
    await f.client.exec('cat > /mnt/r/etc/hostname', 'web1\n');
    await f.client.exec('umount /mnt/r');
    expect((await f.client.exec('test -e /mnt/r/etc/os-release')).exitCode).toBe(1);
    expect((await f.client.exec('test -b /dev/vg0/r')).exitCode).toBe(0);
    expect(f.host.state.vg.lvs[0].filesystem?.osImage).toBe('debian-12');
    expect(f.host.state.vg.lvs[0].filesystem?.files['/etc/hostname']).toBe('web1\n');

    await f.client.exec('lvextend -L +2G vg0/r');
    // Mounted since its last check: offline resize2fs wants a forced e2fsck first, as the real one does.
    expect((await f.client.exec('resize2fs /dev/vg0/r')).stderr).toContain("Please run 'e2fsck -f /dev/vg0/r' first.");
    expect((await f.client.exec('e2fsck -f -y /dev/vg0/r')).exitCode).toBe(0);
    expect((await f.client.exec('resize2fs /dev/vg0/r')).stdout).toContain('is now 3145728 (4k) blocks long');
    expect((await f.client.exec('mountpoint -q /mnt/r')).exitCode).toBe(32);

    await f.client.exec('lvcreate -n x -L 4G vg0');
    await f.client.exec('mkfs.xfs /dev/vg0/x');
    expect((await f.client.exec('mkfs.xfs /dev/vg0/x')).stderr).toContain('appears to contain an existing filesystem (xfs)');
    await f.client.exec('mkdir -p /mnt/x');
    expect((await f.client.exec('xfs_growfs /mnt/x')).stderr).toBe('xfs_growfs: /mnt/x is not a mounted XFS filesystem\n');
    await f.client.exec('mount /dev/vg0/x /mnt/x');
    expect((await f.client.exec('xfs_growfs -D 100 /mnt/x')).stderr).toBe('data size 100 too small, old size is 1048576\n');
  });

  it('block devices and scheduler settings', async () => {
    await createDomain(f.client, 'web1');
    await f.client.exec('lvcreate -n web1-data -L 1G vg0');
    expect((await f.client.exec("xl block-attach web1 'phy:/dev/vg0/web1-data,xvdb,w'")).exitCode).toBe(0);
    expect((await f.client.exec('xl block-list web1')).stdout).toContain('51728');
    expect((await f.client.exec('xl block-detach web1 xvdc')).stderr).toBe('Error: Device xvdc not connected.\n');
    expect((await f.client.exec('xl block-detach web1 xvdb')).exitCode).toBe(0);
    expect((await f.client.exec('xl sched-credit2 -d web1 -w 512 -c 50')).exitCode).toBe(0);
    const listing = (await f.client.exec('xl sched-credit2')).stdout;
    expect(listing.split('\n')[0]).toBe('Cpupool Pool-0: ratelimit=1000us');
    expect(listing).toMatch(/^web1 +1 +512 +50$/m);
    const long = JSON.parse((await f.client.exec('xl list -l web1')).stdout) as { domid: number; config: { b_info: { max_memkb: number } } }[];
    expect(long[0].domid).toBe(1);
    expect(long[0].config.b_info.max_memkb).toBe(4096 * 1024);
  });
});
