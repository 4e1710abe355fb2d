import { PassThrough, Writable } from 'node:stream';
import type { Dom0CommandInput, Dom0Executor, Dom0Target } from '@carve/xen';
import type { ConsoleUpstream, ConsoleUpstreamEnd } from './console-upstream';

/**
 * How long one console channel may stay open. The pool's timeout is per command and a
 * console is one long command; past this the viewers see `upstream-ended` and reconnect.
 */
export const CONSOLE_CHANNEL_MAX_MS = 12 * 60 * 60 * 1000;

/**
 * A console stream over an exec channel (`xl console`, through the executor's execStream):
 * stdout to the listeners, keystrokes to stdin. Closing ends stdin and closes the channel.
 * Exit 0 without carve closing it means the domain it was attached to went away.
 */
export function openExecConsole(executor: Dom0Executor, target: Dom0Target, command: Dom0CommandInput): ConsoleUpstream {
  if (!executor.execStream) throw new Error('the Dom0 executor cannot stream, so it cannot carry a console');
  const listeners: Array<(bytes: Buffer) => void> = [];
  let early: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (listeners.length === 0) early.push(chunk);
      else for (const listener of listeners) listener(chunk);
      done();
    },
  });
  const stdin = new PassThrough();
  const abort = new AbortController();
  let closedHere = false;
  const ended: Promise<ConsoleUpstreamEnd> = executor.execStream(target, command, { stdin, stdout, signal: abort.signal }, { timeoutMs: CONSOLE_CHANNEL_MAX_MS }).then(
    (result) =>
      result.exitCode === 0
        ? { message: 'the console detached', domainWent: !closedHere }
        : { message: `${command.description ?? 'xl console'} exited ${result.exitCode}: ${result.stderr.trim() || 'no message'}`, domainWent: false },
    (error: unknown) => ({ message: closedHere ? 'closed' : error instanceof Error ? error.message : String(error), domainWent: false }),
  );
  return {
    hostId: target.hostId,
    onData(listener) {
      listeners.push(listener);
      const buffered = early;
      early = [];
      for (const bytes of buffered) listener(bytes);
    },
    write(bytes) {
      if (!closedHere) stdin.write(bytes);
    },
    ended,
    close() {
      if (closedHere) return;
      closedHere = true;
      stdin.end();
      abort.abort();
    },
  };
}
