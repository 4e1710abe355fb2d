import { startSimFixture, type SimFixture } from './testing/sim-client';

/** A domain whose config sets credit2 weight and cap and a vif rate, as carve writes it. */
const LIMITED_CFG = [
  'name       = "web1"',
  'type       = "pvh"',
  'memory     = 1024',
  'maxmem     = 1024',
  'vcpus      = 2',
  'maxvcpus   = 2',
  'cpu_weight = 512',
  'cap        = 150',
  'bootloader = "pygrub"',
  "disk = [ 'phy:/dev/vg0/web1-root,xvda,w' ]",
  "vif  = [ 'mac=00:16:3e:5a:01:02,bridge=xenbr0,rate=100Mb/s' ]",
  '',
].join('\n');

describe('simulated Dom0 over SSH: CPU and network limits', () => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await startSimFixture({ name: 'sim-limits', totalMemoryMiB: 16384, dom0MemMiB: 4096 });
    await f.client.exec('lvcreate -n web1-root -L 10G vg0');
    await f.client.exec('cat > /etc/xen/web1.cfg', LIMITED_CFG);
    expect((await f.client.exec('xl create /etc/xen/web1.cfg')).exitCode).toBe(0);
  });
  afterEach(() => f.close());

  const nics = async () => (JSON.parse((await f.client.exec('xl list -l web1')).stdout) as { config: { nics: Record<string, unknown>[]; b_info: { sched_params: unknown } } }[])[0]!.config;

  it('boots with the weight, cap and vif rate of the config, and lists them as xl does', async () => {
    const listing = (await f.client.exec('xl sched-credit2')).stdout;
    expect(listing).toBe(
      [
        'Cpupool Pool-0: ratelimit=1000us',
        `${'Name'.padEnd(33)}   ID Weight  Cap`,
        `${'Domain-0'.padEnd(33)}    0    256    0`,
        `${'web1'.padEnd(33)}    1    512  150`,
        '',
      ].join('\n'),
    );
    // One domain: the header and its row, no cpupool line.
    expect((await f.client.exec('xl sched-credit2 -d web1')).stdout).toBe(`${'Name'.padEnd(33)}   ID Weight  Cap\n${'web1'.padEnd(33)}    1    512  150\n`);
    const config = await nics();
    expect(config.b_info.sched_params).toEqual({ sched: 'credit2', weight: 512, cap: 150 });
    // 100 Mbit/s = 12.5 MB/s = 625000 bytes per 50 ms interval.
    expect(config.nics[0]).toMatchObject({ mac: '00:16:3e:5a:01:02', rate_bytes_per_interval: 625000, rate_interval_usecs: 50000 });
    expect((await f.client.exec('cat /etc/xen/web1.cfg')).stdout).toContain('rate=100Mb/s');
  });

  it('sets weight and cap silently, bounded by the domain vCPUs, and keeps them across an xl reboot', async () => {
    expect(await f.client.exec('xl sched-credit2 -d web1 -w 1024 -c 200')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const over = await f.client.exec('xl sched-credit2 -d web1 -c 201');
    expect(over.exitCode).toBe(1);
    expect(over.stderr).toMatch(/^libxl: error: libxl_sched\.c:\d+:sched_credit2_domain_set: Domain 1:Cpu cap out of range, valid range is from 0 to 200 for specified number of vcpus\nlibxl_domain_sched_params_set failed\.\n$/);
    expect((await f.client.exec('xl sched-credit2 -d web1 -w 0')).stderr).toContain('Cpu weight out of range, valid range is from 1 to 65535');
    expect((await f.client.exec('xl sched-credit2 -w 300')).stderr).toBe('Must specify a domain.\n');
    expect(f.host.state.domains[0]).toMatchObject({ cpuWeight: 1024, capPercent: 200 });

    await f.client.exec('xl reboot web1');
    expect((await f.client.exec('xl sched-credit2')).stdout).toMatch(/^web1 +2 +1024 +200$/m);
    expect((await nics()).nics[0]).toMatchObject({ rate_bytes_per_interval: 625000 });
  });

  it('a re-created domain takes what its config file says', async () => {
    await f.client.exec('xl sched-credit2 -d web1 -w 1024 -c 50');
    await f.client.exec('xl destroy web1');
    await f.client.exec('cat > /etc/xen/web1.cfg', LIMITED_CFG.replace('cpu_weight = 512', 'cpu_weight = 128').replace(',rate=100Mb/s', ''));
    await f.client.exec('xl create /etc/xen/web1.cfg');
    expect((await f.client.exec('xl sched-credit2 -d web1')).stdout).toMatch(/^web1 +2 +128 +150$/m);
    expect((await nics()).nics[0]).not.toHaveProperty('rate_bytes_per_interval');
  });
});
