import { generateEd25519KeyPair } from './generate-key';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimHost } from './sim-host';
import { SimClient, createDomain, startSimFixture, type SimFixture } from './testing/sim-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sysfs(f: SimFixture, domid: number): Promise<Record<string, number>> {
  const out = (await f.client.exec(`grep -r . /sys/bus/xen-backend/devices/vbd-${domid}-51712/statistics /sys/class/net/vif${domid}.0/statistics`)).stdout;
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(l.lastIndexOf('/') + 1, l.indexOf(':')), Number(l.slice(l.indexOf(':') + 1))]));
}

describe('simulated Dom0 over SSH: counters, faults, auth, persistence', () => {
  let f: SimFixture;
  afterEach(() => f?.close());

  it('counters grow with simulated time, per workload profile', async () => {
    f = await startSimFixture({ timeFactor: 1000 });
    await createDomain(f.client, 'quiet');
    await createDomain(f.client, 'disk1');
    expect((await f.client.exec('carve-sim workload disk1 io-heavy')).exitCode).toBe(0);
    const first = await sysfs(f, 2);
    await sleep(300);
    const quiet = await sysfs(f, 1);
    const busy = await sysfs(f, 2);
    expect(busy.rd_sect).toBeGreaterThan(first.rd_sect);
    expect(busy.wr_sect).toBeGreaterThan(100 * Math.max(1, quiet.wr_sect));
    // A lone io-heavy domain has the request slots to itself.
    expect(busy.oo_req).toBe(0);
    await createDomain(f.client, 'disk2');
    await f.client.exec('carve-sim workload disk2 io-heavy');
    await sleep(300);
    expect((await sysfs(f, 2)).oo_req).toBeGreaterThan(0);
    const list = (await f.client.exec('xl list')).stdout;
    expect(Number(/^disk1 .* (\d+\.\d)$/m.exec(list)?.[1])).toBeGreaterThan(0);
    const top = (await f.client.exec('xentop -b -i 2 -d 1')).stdout.split('\n');
    expect(top.filter((l) => l.startsWith('      NAME'))).toHaveLength(2);
    expect(top[1]).toMatch(/^ +disk1 --b--- +\d+ +0\.0 /);
  });

  it('reboot-host gives every domain a new domid and zeroed counters', async () => {
    f = await startSimFixture({ timeFactor: 1000 });
    await createDomain(f.client, 'web1');
    await sleep(100);
    expect((await sysfs(f, 1)).wr_req).toBeGreaterThan(0);
    await f.client.exec('carve-sim reboot-host');
    expect(f.host.state.domains.map((d) => d.domid)).toEqual([2]);
    expect(f.host.state.domains[0].counters.cpuSeconds).toBe(0);
    expect((await f.client.exec('grep -r . /sys/bus/xen-backend/devices/vbd-1-51712/statistics')).exitCode).toBe(2);
  });

  it('fail, delay and drop faults', async () => {
    f = await startSimFixture();
    expect((await f.client.exec("carve-sim fail --match 'xl list' --count 2 --exit 3 --stderr 'boom'")).exitCode).toBe(0);
    expect(await f.client.exec('xl list')).toEqual({ stdout: '', stderr: 'boom\n', exitCode: 3 });
    expect((await f.client.exec('xl list')).exitCode).toBe(3);
    expect((await f.client.exec('xl list')).exitCode).toBe(0);

    f.host.fail({ match: '/^lv(s|create)/', exitCode: 5, stderr: '  lvm busy\n', count: 1 });
    expect((await f.client.exec('lvs vg0')).stderr).toBe('  lvm busy\n');
    expect((await f.client.exec('lvs vg0')).exitCode).toBe(0);

    await f.client.exec('carve-sim delay --match uname --ms 50 --count 1');
    expect((await f.client.exec('uname -r')).stdout).toMatch(/-amd64\n$/);

    await f.client.exec('carve-sim drop --match xentop --count 1');
    const closed = f.client.closed();
    const dropped = await f.client.exec('xentop -b -i 1');
    expect(dropped.exitCode).toBeNull();
    await closed;
    const again = await SimClient.connect(f.host.port, f.clientKey);
    expect((await again.exec('xentop -b -i 1')).exitCode).toBe(0);
    expect(JSON.parse((await again.exec('carve-sim state')).stdout)).toMatchObject({ hostname: 'sim-1', faults: { drop: [] } });
    again.end();
  });

  it('rejects keys it does not know', async () => {
    f = await startSimFixture();
    const stranger = generateEd25519KeyPair().private;
    await expect(SimClient.connect(f.host.port, stranger)).rejects.toMatchObject({ level: 'client-authentication' });
  });

  it('keeps state and host key fingerprint across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dom0-sim-'));
    try {
      const keys = generateEd25519KeyPair();
      const hostKey = generateEd25519KeyPair().private;
      const opts = { name: 'sim-p', hostKey, authorizedKeys: [generateEd25519KeyPair().public], adminKey: keys, stateFile: join(dir, 'sim-p.json') };
      const first = await startSimHost(opts);
      const c1 = await SimClient.connect(first.port, keys.private);
      await createDomain(c1, 'web1');
      c1.end();
      await first.close();

      const second = await startSimHost(opts);
      expect(second.hostKeyFingerprint).toBe(first.hostKeyFingerprint);
      const c2 = await SimClient.connect(second.port, keys.private);
      expect((await c2.exec('xl list web1')).stdout).toMatch(/^web1 +1 /m);
      expect((await c2.exec('cat /etc/xen/web1.cfg')).stdout).toContain('name = "web1"');
      await createDomain(c2, 'web2');
      expect(second.state.domains.map((d) => d.domid)).toEqual([1, 2]);
      c2.end();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
