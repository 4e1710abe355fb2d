import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { verbNames } from '@carve/xen';
import { AgentCore, parseJson } from './agent-core';
import { AbandonedRequestError } from './host-runner';
import { AGENT_MODES, AGENT_VERSION, parseInvocation, type AgentHello } from './protocol';

export interface SessionIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Aborts when the session's channel closes (ends an interactive stream such as a console). */
  readonly closed?: AbortSignal;
}

export function agentHello(): AgentHello {
  return { agent: 'carve-agent', version: AGENT_VERSION, verbs: verbNames(), modes: [...AGENT_MODES] };
}

/**
 * One SSH session's worth of agent: the command line decides the mode, the core does the work.
 * Returns the exit code; a refused line runs nothing and exits 2.
 */
export async function runAgentSession(core: AgentCore, commandLine: string | undefined, io: SessionIo): Promise<number> {
  const invocation = parseInvocation(commandLine);
  if ('refused' in invocation) {
    io.stderr.write(`carve-agent: refused: ${invocation.refused}\n`);
    return 2;
  }
  switch (invocation.mode) {
    case 'version':
      io.stdout.write(`${JSON.stringify(agentHello())}\n`);
      return 0;
    case 'call':
      return call(core, io);
    case 'serve':
      return serve(core, io);
    default:
      return core.stream(invocation.mode, invocation.request, io);
  }
}

async function call(core: AgentCore, io: SessionIo): Promise<number> {
  // Not `for await`: ending its iterator destroys the stream, and on an SSH channel that is the way back too.
  const text = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    io.stdin.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    io.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    io.stdin.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  try {
    const result = await core.handle(parseJson(text));
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return result.status === 'ok' ? 0 : result.status === 'refused' ? 2 : 1;
  } catch (error) {
    if (error instanceof AbandonedRequestError) return 255;
    throw error;
  }
}

/**
 * Long-lived: a hello line, then one JSON request per line in, one result per line out, in
 * the order they finish (ids pair them). Requests run concurrently; the locks keep those on
 * the same object apart. At EOF the requests still running finish (and land in the journal).
 */
async function serve(core: AgentCore, io: SessionIo): Promise<number> {
  const write = (value: unknown): void => {
    if (!io.stdout.writableEnded && !io.stdout.destroyed) io.stdout.write(`${JSON.stringify(value)}\n`);
  };
  write(agentHello());
  const running = new Set<Promise<void>>();
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const task = core.handle(parseJson(line)).then(write, (error: unknown) => {
      // An abandoned request gets no answer: the client sees its connection go and resends.
      if (!(error instanceof AbandonedRequestError)) write({ id: '', status: 'failed', exitCode: 70, stdout: '', stderr: `carve-agent: ${String(error)}\n` });
    });
    running.add(task);
    void task.finally(() => running.delete(task));
  }
  await Promise.all(running);
  return 0;
}
