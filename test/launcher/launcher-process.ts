import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../..');

/** `npm start` (scripts/start.ts) as a child process, with its output collected for assertions. */
export class LauncherProcess {
  readonly child: ChildProcess;
  private output = '';
  private readonly waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/start.ts'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
      this.check();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((res) =>
      this.child.once('exit', (code, signal) => {
        // Let the last output chunks arrive before anyone reads `text`.
        setImmediate(() => {
          for (const w of this.waiters.splice(0)) w.reject(new Error(`launcher exited (${signal ?? code}) before printing ${w.pattern}:\n${this.output}`));
          res({ code, signal });
        });
      }),
    );
  }

  get text(): string {
    return this.output;
  }

  /** Resolves with the first match of the pattern in the output so far or to come. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const found = this.output.match(pattern);
    if (found) return Promise.resolve(found);
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.reject(new Error(`launcher already exited before printing ${pattern}:\n${this.output}`));
    }
    return new Promise((res, rej) => this.waiters.push({ pattern, resolve: res, reject: rej }));
  }

  private check(): void {
    for (const w of [...this.waiters]) {
      const m = this.output.match(w.pattern);
      if (m) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }

  /** SIGTERM, as a service manager would send; SIGKILL only if the test is already failing. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Env for a launcher run: the caller's variables only, so the machine's DATABASE_URL and friends never leak in. */
export function launcherEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...vars };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function httpGet(url: string, token?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
