import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What a child sends over IPC: always an object with a type. */
export interface ChildMessage {
  type: string;
  [field: string]: unknown;
}

export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  /** Rejects if the child exits before stop() was called: the run is void then. */
  readonly died: Promise<never>;
  send(message: ChildMessage): void;
  /** The first message of this type since the child started (earlier ones are kept, so none is missed). */
  next<T extends ChildMessage>(type: string, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const REPO_ROOT = join(__dirname, '..', '..');
const live = new Set<ChildProcess>();
const OUTPUT_LINES_KEPT = 40;

/** Last resort on any exit path of the bench: nothing it started may outlive it. */
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * Runs a TypeScript entry point as its own Node process (as the launcher does: node -r
 * @swc-node/register, from the repository root), with an IPC channel for the bench's own
 * entries and the last lines of its output kept for a failure message.
 */
export function startChild(name: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv): BenchChild {
  const child = fork(join(REPO_ROOT, entry), [...args], {
    cwd: REPO_ROOT,
    env,
    execArgv: ['-r', '@swc-node/register', '-r', join(__dirname, 'exit-with-parent.ts')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      tail.push(line);
      if (tail.length > OUTPUT_LINES_KEPT) tail.shift();
      if (process.env.BENCH_CHILD_OUTPUT) console.log(`[${name}] ${line}`);
    });
  }
  const inbox: ChildMessage[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message: ChildMessage) => {
    inbox.push(message);
    waiters.splice(0).forEach((w) => w());
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const died = exited.then((): never => {
    throw new Error(`${name} (pid ${child.pid}) exited unexpectedly (code ${child.exitCode}, signal ${child.signalCode}); its last output:\n${tail.join('\n')}`);
  });
  // Only a failure nobody was waiting on: stop() makes the exit expected.
  const diedUnlessStopped = new Promise<never>((_, reject) => void died.catch((error: unknown) => (stopping ? undefined : reject(error))));
  diedUnlessStopped.catch(() => undefined);

  return {
    name,
    pid: child.pid!,
    died: diedUnlessStopped,
    send: (message) => void child.send(message),
    async next<T extends ChildMessage>(type: string, timeoutMs = 60_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex((m) => m.type === type);
        if (index >= 0) return inbox.splice(index, 1)[0] as T;
        if (Date.now() > deadline) throw new Error(`${name} sent no ${type} message within ${timeoutMs / 1000} s; its last output:\n${tail.join('\n')}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 500)), diedUnlessStopped]);
      }
    },
    async stop(graceMs = 5000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A TCP port nothing listens on right now, for a child that needs its port before it starts. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address !== null && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
