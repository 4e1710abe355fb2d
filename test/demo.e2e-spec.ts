// `npm run demo` as an operator runs it: against carve started by `npm start` (the launcher, in a
// child process, on this machine's PostgreSQL and Redis, with its default three simulated Dom0 hosts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clearRedisPrefix, createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueName } from '@carve/testing';
import { ephemeralPort } from '../scripts/launcher/ports';
import { launcherEnv, LauncherProcess } from './launcher/launcher-process';

// The noisy neighbour chapter waits for a quiet minute and a contended one (the IO report's resolution).
jest.setTimeout(600_000);

const REPO_ROOT = resolve(__dirname, '..');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(env: Record<string, string>): Promise<DemoRun> {
  return new Promise((resolvePromise) => {
    const child = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

let database: TestDatabase;
let dataDir: string;
let prefix: string;
let launcher: LauncherProcess | undefined;
let apiUrl: string;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  dataDir = mkdtempSync(join(tmpdir(), 'carve-demo-'));
  prefix = uniqueName('carvedemo');
  const port = await ephemeralPort();
  launcher = new LauncherProcess(
    // Its own gateway port: 2222 may be another launched carve's.
    launcherEnv({ PORT: String(port), CARVE_CONSOLE_GATEWAY_PORT: String(await ephemeralPort()), DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, CARVE_DATA_DIR: dataDir, METERING_INTERVAL_SECONDS: '10' }),
  );
  await launcher.waitFor(/carve is running/);
  token = (await launcher.waitFor(/export TOKEN=(carve_\S+)/))[1]!;
  apiUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (launcher) {
    const stopping = launcher.stop();
    const timer = setTimeout(() => launcher?.kill(), 20_000);
    await stopping;
    clearTimeout(timer);
  }
  await database?.drop();
  if (prefix) await clearRedisPrefix(prefix);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('tells the whole story through the API, then carve shows the deleted server deleted and the others running', async () => {
  // The demo runs where npm start runs: it finds the data dir (SSH key, for staging the simulator) and the database (for seeding history).
  const run = await runDemo({ CARVE_API_URL: apiUrl, CARVE_TOKEN: token, CARVE_DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
  if (run.code !== 0) throw new Error(`demo exited ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
  const out = run.stdout;

  // In the order the story tells it.
  const milestones = [
    /creates two customers/,
    /image debian-12 (created|exists)/,
    /Acme Shop \S+: up to 16384 MiB RAM/,
    /host sim-\d is now dedicated to Globex Labs/,
    /shared pool "production": memory MiB 8192 \/ 0 \/ 8192/,
    /dedicated pool "whole-host" on sim-\d/,
    /ordered web: .*\n\s+disks: xvda root 10 GiB ext4 \(655360 inodes\) active root, xvdb standby 10 GiB ext4 standby root, xvdc data 20 GiB xfs data, xvdd swap 1 GiB swap/,
    /\[web\] done install image on web-\S+-root/,
    /the API says it applies: live/,
    /web: memory grown live to 2048 MiB, state running/,
    /db: active root from the next boot: standby; pendingReboot: true/,
    /db: rebooted onto standby; pendingReboot: false, state running/,
    /scratch: deleted/,
    /Initech \S+ ordered etl: 512 MiB .* on (sim-\d)/,
    /\[etl\] server\.create succeeded/,
    /stages a noisy neighbour on (sim-\d): etl turns io-heavy among \w/,
    /(sim-\d)'s IO policy: a minute is contended when its busiest disk is more than 90% busy/,
    /etl \(domain \S+\) now runs an io-heavy workload/,
    /offenders, ranked by the disk time.*\n.*\n.*\n\s+1\s+etl\s+Initech \S+\s+\d+%/,
    /contention windows:\n\s+\d{2}:\d{2}-\d{2}:\d{2} disks-busy.*etl took \d+% of the disk time; suffered: \w+ [\d.]+x its [\d.]+ ms per request \(latency/,
    // A line per candidate host (whether its IO fits depends on what was measured), then the dedicated host's verdict.
    /what to do about etl:\n(\s+move to sim-\d: .*\n)+\s+dedicated host: (recommended|not needed): /,
    /Xen has no native per-domain disk IO limit/,
    /open (\S+io-impact-sim-\d\.svg)/,
    /move \S+: etl from (sim-\d) to (sim-\d) \(placement's choice\)/,
    /\[etl\] \.\.\. copy etl-\S+-root: \d+ of 1024 MiB copied \(\d+%\), [\d.]+ MB\/s/,
    /\[etl\] server\.move succeeded/,
    /etl now runs on (sim-\d) \(state running\)/,
    /prices \d{4}-\d{2} and sets each customer's tax/,
    /db \(domain \S+\) now runs an io-heavy workload/,
    /done in [\d.]+ s: [\d,]+ spans written/,
    /last 24 hours, busiest disk first.*\n.*\n.*\n\s+db\s/,
    /db-\S+ uses [\d.]+% of one CPU now/,
    /open \S+db-24h\.html/,
    /open \S+db-30d\.html/,
    /production, \d{4}-\d{2}: [\d.]+ GB sent of 2000 GB/,
    /invoice run \d{4}-\d{2}: 2 invoice\(s\) in the period, [02] issued by this call/,
    /open (\S+INV-\d{4}-\d{6}\.pdf)/,
    /the margin report for \d{4}-\d{2}/,
    /all hosts: revenue [\d.]+, cost [\d.]+, margin [\d.-]+/,
    /created \(UTC\)\s+customer\s+server\s+type\s+status\s+steps\s+duration/,
    /size \/ allocated \/ free/,
    // The console tour: the commands a reader types, both consoles answering, rescue and back.
    /Acme Shop \S+: opens web's console in a browser and over SSH, then boots it into rescue and back/,
    /SSH key SHA256:\S+ registered on the admin/,
    /in a browser: http:\/\/127\.0\.0\.1:\d+\/console\/[0-9a-f-]{36}#token=carve_\S+/,
    /over SSH: +ssh -i (\S+id_ed25519) -o UserKnownHostsFile=(\S+known_hosts) -o StrictHostKeyChecking=yes -p \d+ web@127\.0\.0\.1\n/,
    /web console: logged in as root, uname -a answered: Linux web\S* \S+ #1 SMP/,
    /gateway banner: \[carve\] Console of web \([0-9a-f-]{36}\)\. Ctrl-\]/,
    /gateway prompt: root@web\S*:~#/,
    /\[web\] server\.rescue succeeded/,
    /web: state rescue; its console shows the rescue kernel booting with: boot=live console=hvc0 ip=\S+ carve\.ssh_keys=/,
    /\[web\] server\.rescue-exit succeeded/,
    /web: state running, active root root; its console shows the normal boot: root=\/dev\/xvda /,
    /demo finished in [\d.]+ s: web running, db running, app running; scratch deleted; etl moved (sim-\d) -> (sim-\d), running\n/,
  ];
  let from = 0;
  for (const milestone of milestones) {
    const match = milestone.exec(out.slice(from));
    if (!match) throw new Error(`demo output lacks ${milestone} after offset ${from}:\n${out}`);
    from += match.index + match[0].length;
  }
  for (const name of ['web', 'db', 'scratch', 'app']) expect(out).toMatch(new RegExp(`\\[${name}\\] server\\.create succeeded: 15/15 steps`));
  // One disk: fewer steps.
  expect(out).toMatch(/\[etl\] server\.create succeeded: 8\/8 steps/);
  expect(out).toMatch(/\[etl\] server\.move succeeded: 13\/13 steps/);
  for (const type of ['server.create', 'server.resize-memory', 'server.switch-root', 'server.reboot', 'server.delete']) {
    expect(out).toMatch(new RegExp(`${type.replace('.', '\\.')}\\s+succeeded\\s+\\d+/\\d+\\s+[\\d.]+ s`));
  }
  expect(run.stderr).toBe('');
  // The invoices, in number order (customers in whatever order the run takes them).
  expect(out).toMatch(/INV-\d{4}-\d{6}\s+Acme Shop \S+\s+EUR\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+/);
  expect(out).toMatch(/1\s+production\s+ram\s+8\s+GiB-month\s+5\s+40\.00/);
  expect(out).toMatch(/1\s+whole-host\s+dedicated\s+1\s+month\s+120\s+120\.00/);
  for (const [, pdf] of out.matchAll(/open (\S+\.pdf)/g)) expect(readFileSync(pdf!).subarray(0, 5).toString()).toBe('%PDF-');
  // The three graphs of a range share one X axis: the same tick labels on each.
  const page = /open (\S+db-30d\.html)/.exec(out)![1]!;
  const svgs = ['cpu', 'disk', 'net'].map((m) => readFileSync(page.replace('db-30d.html', `db-30d-${m}.svg`), 'utf8'));
  for (const svg of svgs) expect(svg).toMatch(/^<svg/);
  const ticks = (svg: string) => [...svg.matchAll(/<text[^>]*>(\d{1,2} \w{3}|\d{2}:\d{2})<\/text>/g)].map((m) => m[1]);
  expect(ticks(svgs[0]!).length).toBeGreaterThan(3);
  expect(ticks(svgs[1]!)).toEqual(ticks(svgs[0]!));
  expect(ticks(svgs[2]!)).toEqual(ticks(svgs[0]!));

  // The noisy neighbour: ranked first on the host it was placed on, moved to another, and running there.
  const placedOn = /stages a noisy neighbour on (sim-\d)/.exec(out)![1]!;
  const [, movedFrom, movedTo] = /move \S+: etl from (sim-\d) to (sim-\d)/.exec(out)!;
  expect(movedFrom).toBe(placedOn);
  expect(movedTo).not.toBe(placedOn);
  expect(out).toContain(`etl now runs on ${movedTo} (state running)`);
  expect(readFileSync(/open (\S+io-impact-sim-\d\.svg)/.exec(out)![1]!, 'utf8')).toMatch(/^<svg[\s\S]*etl[\s\S]*contention/);
  const hosts = (await getJson<{ items: { id: string; name: string }[] }>(`${apiUrl}/v1/hosts`, token)).items;

  type Server = { name: string; hostId: string; state: string; memoryMiB: number; pendingReboot: boolean; disks: { label: string; activeRoot: boolean }[] };
  const listed = (await getJson<{ items: Server[] }>(`${apiUrl}/v1/servers?limit=100`, token)).items;
  const byName = Object.fromEntries(listed.map((s) => [s.name, s]));
  expect(Object.keys(byName).sort()).toEqual(['app', 'db', 'etl', 'web']);
  for (const name of ['web', 'db', 'app', 'etl']) expect(byName[name]).toMatchObject({ state: 'running', pendingReboot: false });
  expect(byName.web!.memoryMiB).toBe(2048);
  expect(byName.db!.disks.find((d) => d.activeRoot)?.label).toBe('standby');
  expect(hosts.find((h) => h.id === byName.etl!.hostId)?.name).toBe(movedTo);

  const jobs = (await getJson<{ items: { type: string; status: string; serverId: string }[] }>(`${apiUrl}/v1/jobs?limit=100`, token)).items;
  // The ten of the story, then the console tour's rescue and its exit.
  expect(jobs.map((j) => j.status)).toEqual(Array(12).fill('succeeded'));
  expect(jobs.slice(0, 2).map((j) => j.type)).toEqual(['server.rescue-exit', 'server.rescue']);
  // The printed ssh command pins exactly the host key the API shows.
  const gateway = await getJson<{ knownHostsLine: string }>(`${apiUrl}/v1/console-gateway`, token);
  const [, keyPath, knownHosts] = /over SSH: +ssh -i (\S+) -o UserKnownHostsFile=(\S+)/.exec(out)!;
  expect(readFileSync(knownHosts!, 'utf8')).toBe(`${gateway.knownHostsLine}\n`);
  expect(readFileSync(keyPath!, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
  // Lists leave deleted servers out; the delete job names it.
  const deletion = jobs.find((j) => j.type === 'server.delete')!;
  expect(await getJson<Server>(`${apiUrl}/v1/servers/${deletion.serverId}`, token)).toMatchObject({ name: 'scratch', state: 'deleted' });
});
