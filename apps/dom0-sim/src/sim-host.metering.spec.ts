import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519KeyPair } from './generate-key';
import { startSimHost, type SimHost } from './sim-host';
import { SimClient, createDomain, startSimFixture, type SimFixture } from './testing/sim-client';

// The metering collector's one round trip, byte for byte.
const METERING_LINE =
  "date +%s.%N; echo @@xl-list; xl list; echo @@xentop; xentop -b -f -i 1; echo @@lvs; lvs --noheadings --separator '|' -o lv_name,lv_kernel_minor vg0; " +
  "echo @@pvs; pvs --noheadings --separator '|' -o pv_name,vg_name; echo @@block; grep -H . /sys/class/block/*/stat; " +
  'echo @@vif; grep -H . /sys/class/net/vif*/statistics/rx_bytes /sys/class/net/vif*/statistics/tx_bytes; echo @@end';
const MARKERS = ['@@xl-list', '@@xentop', '@@lvs', '@@pvs', '@@block', '@@vif', '@@end'];
const BLOCK_FIELDS = ['readIos', 'readMerges', 'readSectors', 'readMs', 'writeIos', 'writeMerges', 'writeSectors', 'writeMs', 'inFlight', 'busyMs', 'queueMs', 'discardIos', 'discardMerges', 'discardSectors', 'discardMs', 'flushIos', 'flushMs'] as const;
type BlockStat = Record<(typeof BLOCK_FIELDS)[number], number>;

interface Reading {
  /** Simulated seconds, as date printed them. */
  time: number;
  sections: Record<string, string[]>;
  xentop: Map<string, Record<string, string>>;
  minors: Map<string, number>;
  block: Map<string, BlockStat>;
  stderr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function read(client: SimClient): Promise<Reading> {
  const r = await client.exec(METERING_LINE);
  expect(r.exitCode).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines[0]).toMatch(/^\d+\.\d{9}$/);
  expect(lines.filter((l) => l.startsWith('@@'))).toEqual(MARKERS);
  const sections: Record<string, string[]> = {};
  let current = '';
  for (const line of lines.slice(1)) {
    if (MARKERS.includes(line)) sections[(current = line)] = [];
    else sections[current].push(line);
  }
  const [header, ...rows] = sections['@@xentop'];
  const columns = header.trim().split(/\s+/);
  const xentop = new Map(rows.map((row) => {
    const cells = row.trim().split(/\s+/);
    return [cells[0], Object.fromEntries(columns.map((c, i) => [c, cells[i]]))] as const;
  }));
  const minors = new Map(sections['@@lvs'].map((l) => {
    const m = /^ {2}([^|]+)\|(-?\d+)$/.exec(l);
    if (!m) throw new Error(`lvs row: ${JSON.stringify(l)}`);
    return [m[1], Number(m[2])] as const;
  }));
  const block = new Map(sections['@@block'].map((l) => {
    const m = /^\/sys\/class\/block\/([^/]+)\/stat:(.*)$/.exec(l);
    if (!m) throw new Error(`block line: ${JSON.stringify(l)}`);
    const values = m[2].trim().split(/\s+/).map(Number);
    return [m[1], Object.fromEntries(BLOCK_FIELDS.map((f, i) => [f, values[i]])) as BlockStat] as const;
  }));
  return { time: Number(lines[0]), sections, xentop, minors, block, stderr: r.stderr };
}

/** VBD counters from blkback's sysfs, per vdev number. */
async function vbdCounters(client: SimClient, domid: number): Promise<Map<string, Record<string, number>>> {
  const out = (await client.exec(`grep -r . /sys/bus/xen-backend/devices`)).stdout;
  const vbds = new Map<string, Record<string, number>>();
  for (const line of out.trim().split('\n')) {
    const m = /vbd-(\d+)-(\d+)\/statistics\/(\w+):(\d+)$/.exec(line);
    if (!m || Number(m[1]) !== domid) continue;
    vbds.set(m[2], { ...vbds.get(m[2]), [m[3]]: Number(m[4]) });
  }
  return vbds;
}

const lvDevice = (r: Reading, lv: string): BlockStat => {
  const stat = r.block.get(`dm-${r.minors.get(lv)}`);
  if (!stat) throw new Error(`no dm device for ${lv}`);
  return stat;
};
const msPerRequest = (before: BlockStat, after: BlockStat): number =>
  (after.readMs + after.writeMs - before.readMs - before.writeMs) / (after.readIos + after.writeIos - before.readIos - before.writeIos);
const busyFraction = (before: Reading, after: Reading, device: string): number =>
  ((after.block.get(device)?.busyMs ?? NaN) - (before.block.get(device)?.busyMs ?? NaN)) / ((after.time - before.time) * 1000);

describe('simulated Dom0 over SSH: the metering round trip, block devices and disk contention', () => {
  let f: SimFixture;
  afterEach(() => f?.close());

  it('answers the metering command line in one exec, every section in order', async () => {
    f = await startSimFixture({ timeFactor: 100 });
    const empty = await read(f.client);
    expect(empty.sections['@@xl-list'][1]).toMatch(/^Domain-0 +0 /);
    expect(empty.sections['@@lvs']).toEqual([]);
    expect(empty.sections['@@pvs']).toEqual(['  /dev/md2|vg0']);
    expect([...empty.block.keys()].filter((d) => !d.startsWith('loop'))).toEqual(['md0', 'md1', 'md2', 'sda', 'sda1', 'sda2', 'sda3', 'sdb', 'sdb1', 'sdb2', 'sdb3']);
    // No vif yet: both globs stay unexpanded and grep says so on stderr, as bash and grep would.
    expect(empty.sections['@@vif']).toEqual([]);
    expect(empty.stderr).toBe(
      'grep: /sys/class/net/vif*/statistics/rx_bytes: No such file or directory\ngrep: /sys/class/net/vif*/statistics/tx_bytes: No such file or directory\n',
    );

    await createDomain(f.client, 'web1');
    await createDomain(f.client, 'db1');
    const r = await read(f.client);
    expect(r.stderr).toBe('');
    expect(r.sections['@@xl-list'].slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['Domain-0', 'web1', 'db1']);
    expect([...r.xentop.keys()]).toEqual(['db1', 'Domain-0', 'web1']);
    expect(r.sections['@@lvs']).toEqual(['  db1-root|1', '  web1-root|0']);
    expect(r.sections['@@vif'].map((l) => l.replace(/:\d+$/, ''))).toEqual([
      '/sys/class/net/vif1.0/statistics/rx_bytes', '/sys/class/net/vif2.0/statistics/rx_bytes',
      '/sys/class/net/vif1.0/statistics/tx_bytes', '/sys/class/net/vif2.0/statistics/tx_bytes',
    ]);
    for (const line of r.sections['@@block']) {
      // part_stat_show: 17 fields, each %8lu / %8u, one space apart.
      const body = line.slice(line.indexOf(':') + 1);
      const fields = body.trim().split(/\s+/);
      expect(fields).toHaveLength(17);
      expect(body).toBe(fields.map((v) => v.padStart(8)).join(' '));
    }
    expect([...r.block.keys()].slice(0, 2)).toEqual(['dm-0', 'dm-1']);
    // The whole line is one instant: xl list and xentop agree on CPU to their rounding.
    const xlCpu = Number(/^web1 .* (\d+\.\d)$/m.exec(r.sections['@@xl-list'].join('\n'))?.[1]);
    expect(Number(r.xentop.get('web1')?.['CPU(sec)'])).toBe(Math.floor(xlCpu));
  });

  it('gives each LV the lowest free device-mapper minor, frees it on lvremove, renumbers after a host reboot', async () => {
    f = await startSimFixture();
    for (const lv of ['a', 'b', 'c']) await f.client.exec(`lvcreate -n ${lv} -L 1G vg0`);
    expect((await f.client.exec("lvs --noheadings --separator '|' -o lv_name,lv_kernel_minor vg0")).stdout).toBe('  a|0\n  b|1\n  c|2\n');
    expect((await f.client.exec('lvs --noheadings -o lv_name,lv_kernel_major,lv_kernel_minor vg0')).stdout).toBe('  a 254 0\n  b 254 1\n  c 254 2\n');
    expect((await f.client.exec('lvs -o lv_name,lv_kernel_minor vg0')).stdout).toBe('  LV KMin\n  a     0\n  b     1\n  c     2\n');
    await f.client.exec('lvremove -f vg0/b');
    expect((await f.client.exec('test -e /sys/class/block/dm-1/stat')).exitCode).toBe(1);
    await f.client.exec('lvcreate -n d -L 1G vg0');
    expect((await f.client.exec("lvs --noheadings --separator '|' -o lv_name,lv_kernel_minor vg0")).stdout).toBe('  a|0\n  c|2\n  d|1\n');
    expect((await f.client.exec('cat /sys/class/block/dm-1/stat')).stdout).toBe(`${Array(17).fill('       0').join(' ')}\n`);
    expect((await f.client.exec('pvs --noheadings -o pv_name,vg_name,pv_fmt,pv_attr')).stdout).toBe('  /dev/md2 vg0 lvm2 a--\n');
    expect((await f.client.exec('pvs /dev/sdz')).exitCode).toBe(5);
    // After a reboot LVM activates the LVs in metadata order.
    await f.client.exec('carve-sim reboot-host');
    expect((await f.client.exec("lvs --noheadings --separator '|' -o lv_name,lv_kernel_minor vg0")).stdout).toBe('  a|0\n  c|1\n  d|2\n');
  });

  it('an LV counts exactly its VBD\'s requests and sectors, and xentop sums them; LV counters outlive a domain reboot', async () => {
    f = await startSimFixture({ timeFactor: 1000 });
    await createDomain(f.client, 'web1');
    await f.client.exec('lvcreate -n web1-data -L 5G vg0');
    await f.client.exec("xl block-attach web1 'phy:/dev/vg0/web1-data,xvdb,w'");
    await f.client.exec('carve-sim workload web1 web');
    await sleep(200);
    const r = await read(f.client);
    const vbds = await vbdCounters(f.client, 1);
    const root = lvDevice(r, 'web1-root');
    const data = lvDevice(r, 'web1-data');
    const top = r.xentop.get('web1') ?? {};
    expect(root.readIos + data.readIos).toBe(Number(top.VBD_RD));
    expect(root.writeIos + data.writeIos).toBe(Number(top.VBD_WR));
    expect(root.readSectors + data.readSectors).toBe(Number(top.VBD_RSECT));
    expect(root.writeSectors + data.writeSectors).toBe(Number(top.VBD_WSECT));
    expect(root.readIos).toBeGreaterThan(0);
    expect(data.writeIos).toBeGreaterThan(0);
    // blkback's own counters, read by the next exec: never behind.
    expect(vbds.get('51712')?.rd_req).toBeGreaterThanOrEqual(root.readIos);
    expect(vbds.get('51728')?.wr_sect).toBeGreaterThanOrEqual(data.writeSectors);

    // One line reading both: exactly equal.
    const both = await f.client.exec('grep -H . /sys/class/block/dm-0/stat /sys/bus/xen-backend/devices/vbd-1-51712/statistics/rd_req /sys/bus/xen-backend/devices/vbd-1-51712/statistics/wr_sect');
    const [dmLine, rdReq, wrSect] = both.stdout.trim().split('\n');
    const dm = dmLine.split(':')[1].trim().split(/\s+/).map(Number);
    expect([dm[0], dm[6]]).toEqual([Number(rdReq.split(':')[1]), Number(wrSect.split(':')[1])]);

    // A reboot gives the domain a new domid and its VBDs start from zero; the LV keeps counting.
    expect((await f.client.exec('xl reboot web1')).exitCode).toBe(0);
    await sleep(100);
    const after = await read(f.client);
    const rootAfter = lvDevice(after, 'web1-root');
    const newTop = after.xentop.get('web1') ?? {};
    expect(Number(newTop.VBD_WR)).toBeLessThan(root.writeIos + data.writeIos);
    expect(rootAfter.writeIos).toBeGreaterThan(root.writeIos);
    expect(rootAfter.writeIos + lvDevice(after, 'web1-data').writeIos - Number(newTop.VBD_WR)).toBeGreaterThanOrEqual(root.writeIos + data.writeIos - 1);
  });

  it('an io-heavy neighbour saturates the PV and multiplies a quiet domain\'s time per request', async () => {
    f = await startSimFixture({ timeFactor: 1000 });
    for (const name of ['quiet', 'web', 'heavy']) await createDomain(f.client, name);
    await f.client.exec('carve-sim workload web web');

    const q0 = await read(f.client);
    await sleep(400);
    const q1 = await read(f.client);
    expect(busyFraction(q0, q1, 'md2')).toBeLessThan(0.5);
    expect(busyFraction(q0, q1, 'sda')).toBeLessThan(0.5);
    const quietAlone = msPerRequest(lvDevice(q0, 'quiet-root'), lvDevice(q1, 'quiet-root'));
    expect(quietAlone).toBeGreaterThan(0);

    await f.client.exec('carve-sim workload heavy io-heavy');
    const h0 = await read(f.client);
    await sleep(400);
    const h1 = await read(f.client);
    expect(busyFraction(h0, h1, 'md2')).toBeGreaterThan(0.9);
    expect(busyFraction(h0, h1, 'sda')).toBeGreaterThan(0.9);
    expect(busyFraction(h0, h1, 'sdb')).toBeGreaterThan(0.9);
    const quietShared = msPerRequest(lvDevice(h0, 'quiet-root'), lvDevice(h1, 'quiet-root'));
    expect(quietShared).toBeGreaterThanOrEqual(2 * quietAlone);
    // The PV carries what the LVs do: RAID1 mirrors every write to both disks.
    const delta = (a: Reading, b: Reading, dev: string, k: keyof BlockStat) => (b.block.get(dev)?.[k] ?? NaN) - (a.block.get(dev)?.[k] ?? NaN);
    const lvWrites = ['quiet-root', 'web-root', 'heavy-root'].reduce((s, lv) => s + lvDevice(h1, lv).writeSectors - lvDevice(h0, lv).writeSectors, 0);
    expect(Math.abs(delta(h0, h1, 'md2', 'writeSectors') - lvWrites)).toBeLessThanOrEqual(8);
    expect(Math.abs(delta(h0, h1, 'sda3', 'writeSectors') - delta(h0, h1, 'md2', 'writeSectors'))).toBeLessThanOrEqual(2);
    // A lone heavy guest keeps its ring to itself; a second one makes them run dry.
    expect(Number(h1.xentop.get('heavy')?.VBD_OO)).toBe(0);
    await createDomain(f.client, 'heavy2');
    await f.client.exec('carve-sim workload heavy2 io-heavy');
    await sleep(200);
    const h2 = await read(f.client);
    expect(Number(h2.xentop.get('heavy')?.VBD_OO)).toBeGreaterThan(0);
    expect(Number(h2.xentop.get('quiet')?.VBD_OO)).toBe(0);

    // Faster disks (an NVMe pair) take the same load without breaking a sweat.
    expect((await f.client.exec('carve-sim disk-capacity 200000 3000')).exitCode).toBe(0);
    expect((await f.client.exec('carve-sim disk-capacity')).stdout).toBe('200000 3000\n');
    expect(JSON.parse((await f.client.exec('carve-sim state')).stdout)).toMatchObject({ storage: { capacity: { iops: 200000, mbps: 3000 } } });
    const n0 = await read(f.client);
    await sleep(300);
    const n1 = await read(f.client);
    expect(busyFraction(n0, n1, 'md2')).toBeLessThan(0.5);
    expect((await f.client.exec('carve-sim disk-capacity 0 100')).exitCode).toBe(2);
  });

  it('counters never go back: across time-factor changes and domain reboots; the disks restart only with the host', async () => {
    f = await startSimFixture({ timeFactor: 1000 });
    await createDomain(f.client, 'heavy');
    await createDomain(f.client, 'quiet');
    await f.client.exec('carve-sim workload heavy io-heavy');
    const readings: Reading[] = [];
    for (const step of ['carve-sim time-factor 1', 'carve-sim time-factor 50', 'xl reboot quiet', 'carve-sim time-factor 2000', 'carve-sim workload heavy idle', 'true']) {
      readings.push(await read(f.client));
      await f.client.exec(step);
      await sleep(60);
    }
    readings.push(await read(f.client));
    const wentBack: string[] = [];
    for (let i = 1; i < readings.length; i += 1) {
      const [a, b] = [readings[i - 1], readings[i]];
      expect(b.time).toBeGreaterThan(a.time);
      for (const [device, stat] of a.block) {
        for (const field of BLOCK_FIELDS) if (field !== 'inFlight' && !((b.block.get(device)?.[field] ?? -1) >= stat[field])) wentBack.push(`${i}: ${device} ${field}`);
      }
      const [heavyA, heavyB] = [a.xentop.get('heavy') ?? {}, b.xentop.get('heavy') ?? {}];
      for (const column of ['VBD_OO', 'VBD_RD', 'VBD_WR', 'VBD_RSECT', 'VBD_WSECT']) if (!(Number(heavyB[column]) >= Number(heavyA[column]))) wentBack.push(`${i}: heavy ${column}`);
    }
    expect(wentBack).toEqual([]);
    const last = readings[readings.length - 1];
    await f.client.exec('carve-sim reboot-host');
    const rebooted = await read(f.client);
    expect(rebooted.block.get('md2')?.writeIos).toBeLessThan(last.block.get('md2')?.writeIos ?? 0);
    expect(lvDevice(rebooted, 'heavy-root').writeIos).toBeLessThan(lvDevice(last, 'heavy-root').writeIos);
    expect(rebooted.xentop.get('heavy')?.VBD_WR).toBe(String(lvDevice(rebooted, 'heavy-root').writeIos));
  });

  it('faults apply to the whole line, as to any exec', async () => {
    f = await startSimFixture();
    await f.client.exec("carve-sim fail --match 'grep -H . /sys/class/block' --count 1 --exit 255 --stderr 'ssh: connect to host: Connection reset'");
    expect(await f.client.exec(METERING_LINE)).toEqual({ stdout: '', stderr: 'ssh: connect to host: Connection reset\n', exitCode: 255 });
    expect((await f.client.exec(METERING_LINE)).exitCode).toBe(0);
  });

  it('keeps disk capacity, device counters and LV minors across a simulator restart; its clock never runs back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dom0-sim-'));
    const open: { host: SimHost; client: SimClient }[] = [];
    const start = async (): Promise<SimClient> => {
      const host = await startSimHost(opts);
      const client = await SimClient.connect(host.port, keys.private);
      open.push({ host, client });
      return client;
    };
    const keys = generateEd25519KeyPair();
    const opts = { name: 'sim-m', hostKey: generateEd25519KeyPair().private, authorizedKeys: [generateEd25519KeyPair().public], adminKey: keys, stateFile: join(dir, 'sim-m.json'), timeFactor: 1000 };
    try {
      const c1 = await start();
      await createDomain(c1, 'web1');
      await c1.exec('lvcreate -n spare -L 1G vg0');
      await c1.exec('carve-sim disk-capacity 600 250');
      await sleep(100);
      // Reads change no state, yet the clock they saw is kept.
      const before = await read(c1);
      const { host, client } = open.pop() as { host: SimHost; client: SimClient };
      client.end();
      await host.close();

      const c2 = await start();
      expect((await c2.exec('carve-sim disk-capacity')).stdout).toBe('600 250\n');
      const after = await read(c2);
      expect(after.time).toBeGreaterThan(before.time);
      expect(after.sections['@@lvs']).toEqual(['  spare|1', '  web1-root|0']);
      for (const device of ['md2', 'sda', 'dm-0']) {
        expect(after.block.get(device)?.writeIos).toBeGreaterThanOrEqual(before.block.get(device)?.writeIos ?? Infinity);
        expect(after.block.get(device)?.busyMs).toBeGreaterThanOrEqual(before.block.get(device)?.busyMs ?? Infinity);
      }
    } finally {
      for (const { host, client } of open) {
        client.end();
        await host.close();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
