import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with how it ended. */
  readonly exited: Promise<AppExit>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it is gone. */
  stop(graceMs?: number): Promise<AppExit>;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(exit: AppExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** Forwards each line of a stream with a `[name]` prefix, so the interleaved logs stay readable. */
function prefixLines(stream: NodeJS.ReadableStream | null, name: string, out: NodeJS.WriteStream): void {
  if (!stream) return;
  const pad = `[${name}]`.padEnd(9);
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${pad}${line}\n`));
}

/**
 * Runs a TypeScript entry point (node -r @swc-node/register) as a child. The child gets its own
 * process group so a terminal Ctrl-C reaches only the launcher, which then stops the apps
 * before the database and Redis they depend on.
 */
export function startApp(name: string, entry: string, opts: { cwd: string; env: NodeJS.ProcessEnv }): AppProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixLines(child.stdout, name, process.stdout);
  prefixLines(child.stderr, name, process.stderr);
  const exited = new Promise<AppExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  return {
    name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/** Last resort when the launcher itself exits abruptly: no app may outlive it. */
export function killNow(apps: AppProcess[]): void {
  for (const app of apps) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  }
}
