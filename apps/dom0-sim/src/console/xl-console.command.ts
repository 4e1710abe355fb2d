import { fail, ok, type CommandResult } from '../command-result';
import { isResult, requiresArgs, resolveDomain } from '../commands/xl-domain-arg';
import type { CommandInput } from '../sim-runtime';
import { consoleOf, stillRunning } from './console-registry';

/** xl console's escape key, as in tools/xl: Ctrl-] detaches. */
const ESCAPE = 0x1d;
/** How often an attached console checks that its domain still exists (xl console exits when it goes). */
const LIVENESS_CHECK_MS = 200;

/**
 * `xl console [-t pv|serial] [-n NUM] DOMAIN`: attaches the exec channel to the domain's
 * console, both ways, until the client closes the channel, types Ctrl-], or the domain goes.
 * The recent screen comes first, so a second attach sees what the first one sees.
 */
export async function xlConsole(input: CommandInput): Promise<CommandResult> {
  const args = [...input.args];
  let qualifier: string | undefined;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '-t' || arg === '-n') {
      const value = args.shift();
      if (value === undefined) return requiresArgs('console', 1);
      if (arg === '-t' && value !== 'pv' && value !== 'serial') return fail(`console type must be "pv" or "serial"\n`, 1);
      continue;
    }
    qualifier = arg;
  }
  if (qualifier === undefined) return requiresArgs('console', 1);
  const found = resolveDomain(input.runtime.state, qualifier, input.runtime.clock.now());
  if (isResult(found)) return found;
  if (!found.domain) return fail('carve-sim: Domain-0 has no console to attach to here\n', 1);
  const streams = input.streams;
  if (!streams) return fail('carve-sim: xl console needs an exec channel\n', 2);

  const domain = found.domain;
  const console = consoleOf(input.runtime, domain);
  await new Promise<void>((resolve) => {
    const detach = console.attach((bytes) => {
      if (!streams.stdout.destroyed && !streams.stdout.writableEnded) streams.stdout.write(bytes);
    });
    const onData = (chunk: Buffer): void => {
      const escapeAt = chunk.indexOf(ESCAPE);
      if (escapeAt >= 0) {
        if (escapeAt > 0) console.type(chunk.subarray(0, escapeAt));
        return finish();
      }
      console.type(chunk);
    };
    const liveness = setInterval(() => {
      if (!stillRunning(input.runtime, domain)) finish();
    }, LIVENESS_CHECK_MS);
    const finish = (): void => {
      clearInterval(liveness);
      detach();
      streams.stdin.removeListener('data', onData);
      streams.stdin.removeListener('end', finish);
      input.closed?.removeEventListener('abort', finish);
      resolve();
    };
    streams.stdin.on('data', onData);
    streams.stdin.once('end', finish);
    if (input.closed?.aborted) return finish();
    input.closed?.addEventListener('abort', finish);
  });
  return ok();
}
