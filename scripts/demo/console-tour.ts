import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, utils } from 'ssh2';
import { WebSocket } from 'ws';
import type { Accepted, IssuedToken, ServerView } from './api-types';
import type { CarveApi } from './carve-api';
import type { DemoContext } from './demo-context';
import { followJob } from './job-follower';
import { DemoExpectationError } from './server-actions';

interface GatewayInfo {
  enabled: boolean;
  host: string;
  port: number | null;
  hostKeyFingerprint: string;
  knownHostsLine: string | null;
}

interface SshKeyView {
  id: string;
  fingerprint: string;
}

interface ConsoleTicket {
  ticket: string;
}

/** What the chapter leaves behind for the reader: the commands it printed. */
export interface ConsoleTourOutcome {
  browserUrl: string;
  sshCommand: string | null;
}

/** A console that never shows what we wait for (a wedged simulator, a dropped socket) stops the demo instead of hanging it. */
const WAIT_MS = 60_000;

/** Console bytes with the terminal's escape sequences and carriage returns taken out, for printing. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** A console screen we can wait on: a WebSocket's binary frames or an SSH channel's data. */
class Screen {
  private text = '';
  private readonly waiters = new Set<() => void>();
  private endedWith: string | null = null;

  add(bytes: Buffer): void {
    this.text += bytes.toString('utf8');
    for (const w of [...this.waiters]) w();
  }

  end(why: string): void {
    this.endedWith = why;
    for (const w of [...this.waiters]) w();
  }

  get length(): number {
    return this.text.length;
  }

  /** The first match after `from`; rejects when the console ends or WAIT_MS passes first. */
  waitFor(pattern: RegExp, what: string, from = 0): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(new DemoExpectationError(`the console never showed ${what}; it ends: ${JSON.stringify(plain(this.text.slice(-300)))}`)), WAIT_MS);
      const settle = (error?: Error, match?: RegExpExecArray): void => {
        this.waiters.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(match!);
      };
      const check = (): void => {
        const match = pattern.exec(this.text.slice(from));
        if (match) return settle(undefined, match);
        if (this.endedWith !== null) settle(new DemoExpectationError(`the console closed (${this.endedWith}) before it showed ${what}`));
      };
      this.waiters.add(check);
      check();
    });
  }
}

interface WebConsole {
  screen: Screen;
  type(text: string): void;
  close(): Promise<void>;
}

/** The WebSocket a browser's /console/:id page opens: a fresh single-use ticket, then ws://.../v1/servers/:id/console?ticket=. */
async function openWebConsole(ctx: DemoContext, api: CarveApi, server: ServerView, purpose: string): Promise<WebConsole> {
  const { ticket } = await api.post<ConsoleTicket>(`/v1/servers/${server.id}/console-tickets`, {}, ctx.key(`console-ticket-${purpose}-${server.id}`));
  const ws = new WebSocket(`${api.baseUrl.replace(/^http/, 'ws')}/v1/servers/${server.id}/console?ticket=${encodeURIComponent(ticket)}`);
  const screen = new Screen();
  const closed = new Promise<void>((resolve) =>
    ws.once('close', (code, reason) => {
      screen.end(`${code} ${reason.toString('utf8')}`);
      resolve();
    }),
  );
  ws.on('message', (data, isBinary) => {
    if (isBinary) screen.add(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) => reject(new DemoExpectationError(`the console WebSocket of ${server.name} was refused: HTTP ${response.statusCode}`)));
    ws.on('error', (error) => reject(new DemoExpectationError(`the console WebSocket of ${server.name} failed: ${error.message}`)));
  });
  return {
    screen,
    type: (text) => ws.send(Buffer.from(text, 'utf8'), { binary: true }),
    close: () => {
      ws.close();
      return closed;
    },
  };
}

/**
 * One key pair per demo customer, made once and kept under the data dir. Not one for every run:
 * the gateway gives a key several users hold to the oldest holder with a server of that name,
 * so a key shared by every run's Acme would log `web@` into the first run's web.
 */
function ensureKeyPair(dir: string): { privatePath: string; publicKey: string } {
  const privatePath = join(dir, 'id_ed25519');
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = utils.generateKeyPairSync('ed25519', { comment: 'carve-demo' });
    writeFileSync(privatePath, pair.private, { mode: 0o600 });
    writeFileSync(`${privatePath}.pub`, `${pair.public}\n`, { mode: 0o644 });
  }
  return { privatePath, publicKey: readFileSync(`${privatePath}.pub`, 'utf8').trim() };
}

/** As `ssh-keygen -lf` prints it. */
function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Registered once: a re-run for the same user finds the key in the user's list and leaves it. */
async function ensureRegistered(ctx: DemoContext, api: CarveApi, userId: string, publicKey: string): Promise<void> {
  const fingerprint = fingerprintOf(publicKey);
  const listed = await api.get<{ items: SshKeyView[] }>(`/v1/users/${userId}/ssh-keys`);
  const found = listed.items.find((k) => k.fingerprint === fingerprint);
  if (found) return ctx.narrator.detail(`SSH key ${fingerprint} is already registered on the admin (key ${found.id})`);
  const added = await api.post<SshKeyView>(`/v1/users/${userId}/ssh-keys`, { name: 'carve demo', publicKey }, ctx.key(`ssh-key-${userId}`));
  ctx.narrator.detail(`SSH key ${added.fingerprint} registered on the admin (key ${added.id})`);
}

/** Logs into the gateway as SERVERNAME@ with the key, the host key checked against the API's; the banner and the prompt line. */
function gatewayLogin(gateway: GatewayInfo & { port: number }, serverName: string, privateKey: string): Promise<{ banner: string; prompt: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const fail = (error: Error): void => {
      client.end();
      reject(error instanceof DemoExpectationError ? error : new DemoExpectationError(`the console gateway refused ${serverName}@: ${error.message}`));
    };
    // `on`, not `once`: a connection can fail again while the first failure is being handled.
    client.on('error', fail);
    client.once('ready', () => {
      client.shell({ term: 'xterm', cols: 100, rows: 30 }, (error, channel) => {
        if (error) return fail(error);
        const screen = new Screen();
        channel.on('data', (chunk: Buffer) => screen.add(chunk));
        channel.once('close', () => screen.end('channel closed'));
        void (async () => {
          const banner = (await screen.waitFor(/\[carve\] Console of [^\r\n]*/, 'the gateway banner'))[0];
          // The console is where the web session left it (logged in): Enter shows the prompt again.
          const from = screen.length;
          channel.write('\r');
          const prompt = (await screen.waitFor(/[^\r\n]*[#$:] $/, 'a prompt', from))[0];
          channel.write('exit\r');
          await screen.waitFor(/login: $/, 'the login prompt after logout', from);
          channel.end();
          client.end();
          resolve({ banner, prompt: plain(prompt).trim() });
        })().catch(fail);
      });
    });
    client.connect({
      host: gateway.host,
      port: gateway.port,
      username: serverName,
      privateKey,
      hostVerifier: (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === gateway.hostKeyFingerprint,
    });
  });
}

/** Logs in as root on the web console, runs `uname -a` and answers what came back. */
async function unameOverWeb(ctx: DemoContext, api: CarveApi, server: ServerView): Promise<string> {
  const web = await openWebConsole(ctx, api, server, 'uname');
  try {
    // The scrollback comes first: a server that booted long ago shows its login prompt from it.
    // A console someone left logged in shows the root prompt instead: no login then.
    const [seen] = await web.screen.waitFor(/(login: |# )$/, 'the login prompt');
    let from = web.screen.length;
    if (seen.startsWith('login')) {
      web.type('root\r');
      await web.screen.waitFor(/Password: $/, 'the password prompt', from);
      from = web.screen.length;
      web.type('demo\r');
      await web.screen.waitFor(/# $/, 'the root prompt', from);
      from = web.screen.length;
    }
    web.type('uname -a\r');
    return plain((await web.screen.waitFor(/\r\n(Linux [^\r\n]+)\r\n/, "uname's answer", from))[1]!);
  } finally {
    await web.close();
  }
}

function activeRoot(server: ServerView): string {
  return server.disks.find((d) => d.role === 'root' && d.activeRoot)?.label ?? '?';
}

/** Rescue and back: the rescue kernel's boot on the console, then the normal root again. */
async function rescueAndBack(ctx: DemoContext, api: CarveApi, server: ServerView): Promise<void> {
  const n = ctx.narrator;
  const entered = await api.post<Accepted>(`/v1/servers/${server.id}/rescue`, {}, ctx.key(`rescue-${server.id}`));
  n.detail(`${server.name}: rescue (job ${entered.job.id}), state now ${entered.server.state}`);
  await followJob(api, entered.job, server.name, n);
  const rescued = await api.get<ServerView>(`/v1/servers/${server.id}`);
  if (rescued.state !== 'rescue') throw new DemoExpectationError(`expected ${server.name} in rescue, it is ${rescued.state}`);
  const rescueConsole = await openWebConsole(ctx, api, server, 'rescue');
  try {
    const cmdline = (await rescueConsole.screen.waitFor(/Command line: (boot=live[^\r\n]*)/, 'the rescue kernel command line'))[1]!;
    // The keys parameter is a long base64 blob: its start says enough.
    n.detail(`${server.name}: state ${rescued.state}; its console shows the rescue kernel booting with: ${cmdline.replace(/(carve\.ssh_keys=\S{12})\S+/, '$1...')}`);
  } finally {
    await rescueConsole.close();
  }

  const left = await api.post<Accepted>(`/v1/servers/${server.id}/rescue/exit`, {}, ctx.key(`rescue-exit-${server.id}`));
  n.detail(`${server.name}: leave rescue (job ${left.job.id}), state now ${left.server.state}`);
  await followJob(api, left.job, server.name, n);
  const back = await api.get<ServerView>(`/v1/servers/${server.id}`);
  if (back.state !== 'running') throw new DemoExpectationError(`expected ${server.name} running after rescue, it is ${back.state}`);
  const normal = await openWebConsole(ctx, api, server, 'normal');
  try {
    // pygrub's menu counts down before it boots; Enter boots the default entry at once.
    // A console attached after the boot never shows the menu: that wait ends with the console, unheeded.
    void normal.screen.waitFor(/Press enter to boot/, "pygrub's menu").then(
      () => normal.type('\r'),
      () => undefined,
    );
    const booted = normal.screen.waitFor(/Command line: (root=\/dev\/\S+[^\r\n]*)/, 'the normal boot');
    n.detail(`${back.name}: state ${back.state}, active root ${activeRoot(back)}; its console shows the normal boot: ${(await booted)[1]}`);
  } finally {
    await normal.close();
  }
}

/**
 * The console, web and SSH, and rescue mode, as a customer uses them: an SSH key on the
 * admin, the browser URL and the gateway command printed for the reader to try, both shown
 * working, then the server booted into rescue and back.
 */
export async function consoleTour(ctx: DemoContext, server: ServerView): Promise<ConsoleTourOutcome> {
  const n = ctx.narrator;
  const customer = await ctx.operator.get<{ name: string }>(`/v1/customers/${server.customerId}`);
  n.step(customer.name, `opens ${server.name}'s console in a browser and over SSH, then boots it into rescue and back`);
  const token = await ctx.operator.post<IssuedToken>(`/v1/customers/${server.customerId}/tokens`, { name: `demo console ${ctx.stamp}` }, ctx.key('token-console'));
  const api = ctx.operator.as(token.token);
  const admin = (await api.get<{ items: { id: string; role: string }[] }>('/v1/users')).items.find((u) => u.role === 'admin');
  if (!admin) throw new DemoExpectationError(`${customer.name} has no admin user`);

  const keyDir = join(ctx.local.dataDir, 'demo', 'console-keys', server.customerId);
  const key = ensureKeyPair(keyDir);
  await ensureRegistered(ctx, api, admin.id, key.publicKey);

  const browserUrl = `${api.baseUrl}/console/${server.id}#token=${token.token}`;
  n.detail(`in a browser: ${browserUrl}`);
  const gateway = await api.get<GatewayInfo>('/v1/console-gateway');
  let sshCommand: string | null = null;
  if (gateway.enabled && gateway.port !== null && gateway.knownHostsLine) {
    const knownHosts = join(keyDir, 'known_hosts');
    writeFileSync(knownHosts, `${gateway.knownHostsLine}\n`);
    sshCommand = `ssh -i ${key.privatePath} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -p ${gateway.port} ${server.name}@${gateway.host}`;
    n.detail(`over SSH:     ${sshCommand}`);
    n.detail(`(gateway host key ${gateway.hostKeyFingerprint}, pinned in ${knownHosts}; Ctrl-] then q leaves)`);
  } else {
    n.detail('the console gateway is off (CARVE_CONSOLE_GATEWAY_PORT=0 or its port was taken): no SSH console');
  }

  n.detail(`web console: logged in as root, uname -a answered: ${await unameOverWeb(ctx, api, server)}`);
  if (sshCommand && gateway.port !== null) {
    const seen = await gatewayLogin({ ...gateway, port: gateway.port }, server.name, readFileSync(key.privatePath, 'utf8'));
    n.detail(`gateway banner: ${seen.banner}`);
    n.detail(`gateway prompt: ${seen.prompt}`);
  }

  await rescueAndBack(ctx, api, server);
  return { browserUrl, sshCommand };
}
