import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, utils, type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
import type { CommandResult } from './command-result';
import type { Writable } from 'node:stream';
import type { ExecStreams, StdinReader } from './sim-runtime';

/**
 * What the server does with one exec request. `drop()` kills the whole connection
 * without an answer; `closed` aborts when the client closes the channel (or the
 * connection goes), so a handler waiting on a timer can stop instead of keeping
 * the process alive for an answer nobody reads.
 */
export type ExecHandler = (
  line: string,
  io: { readStdin: StdinReader; drop: () => void; closed: AbortSignal; streams: ExecStreams; stderr: Writable; identity: KeyIdentity },
) => Promise<CommandResult | 'dropped'>;

/** Which key logged in: carve's (its sessions run the Dom0 agent) or the simulator's admin key (raw command lines). */
export type KeyIdentity = 'agent' | 'admin';

export interface SshServerOptions {
  hostKey: string;
  authorizedKeys: readonly string[];
  /** Keys that get raw command lines (carve-sim control, a human's `xl list`); the others get the agent. */
  adminKeys?: readonly string[];
  onExec: ExecHandler;
}

export interface RunningSshServer {
  readonly port: number;
  /** Cuts every open connection at once (a host that vanished mid-command); new ones are accepted. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Parse OpenSSH public key lines; blank lines and comments are skipped, bad lines rejected loudly. */
export function parseAuthorizedKeys(lines: readonly string[]): ParsedKey[] {
  const keys: ParsedKey[] = [];
  for (const raw of lines.flatMap((l) => l.split('\n'))) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = utils.parseKey(line);
    if (parsed instanceof Error) throw new Error(`authorized key is not an OpenSSH public key: ${line.slice(0, 40)}...: ${parsed.message}`);
    keys.push(parsed);
  }
  return keys;
}

function authenticate(client: Connection, keys: readonly { key: ParsedKey; identity: KeyIdentity }[], onIdentity: (identity: KeyIdentity) => void): void {
  client.on('authentication', (ctx) => {
    if (ctx.method !== 'publickey' || ctx.username !== 'root') return ctx.reject(['publickey']);
    const found = keys.find((k) => k.key.getPublicSSH().equals(ctx.key.data));
    if (!found) return ctx.reject(['publickey']);
    // Without a signature the client is only asking whether the key would do.
    if (ctx.signature === undefined || ctx.blob === undefined) return ctx.accept();
    if (found.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
      onIdentity(found.identity);
      return ctx.accept();
    }
    return ctx.reject(['publickey']);
  });
}

/**
 * Reads stdin to EOF on the first call only: until then the channel stays paused, so a
 * command that streams stdin itself (dd of=) gets every byte, and nothing is buffered.
 */
function collectStdin(stream: ServerChannel): StdinReader {
  let text: Promise<string> | undefined;
  return () =>
    (text ??= new Promise((resolve) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }));
}

export async function startSshServer(opts: SshServerOptions, port: number): Promise<RunningSshServer> {
  const keys = [
    ...parseAuthorizedKeys(opts.adminKeys ?? []).map((key) => ({ key, identity: 'admin' as const })),
    ...parseAuthorizedKeys(opts.authorizedKeys).map((key) => ({ key, identity: 'agent' as const })),
  ];
  const sockets = new Set<Socket>();
  const byRemotePort = new Map<number, Socket>();

  const ssh = new Server({ hostKeys: [opts.hostKey] }, (client, info) => {
    const socket = byRemotePort.get(info.port);
    client.on('error', () => undefined);
    let identity: KeyIdentity = 'agent';
    // A connection that goes (a dropped socket, a killed worker) closes every channel on it: what runs for them must stop.
    const channelsOpen = new Set<AbortController>();
    const abortAll = (): void => {
      for (const c of channelsOpen) c.abort();
      channelsOpen.clear();
    };
    client.on('close', abortAll);
    client.on('end', abortAll);
    authenticate(client, keys, (who) => {
      identity = who;
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('env', (accept) => accept?.());
        // carve's key gets no pty (as `restrict` in authorized_keys); the admin key may have one.
        session.on('pty', (accept, reject) => (identity === 'admin' ? accept?.() : reject?.()));
        session.on('shell', (_accept, reject) => reject?.());
        session.on('exec', (accept, _reject, request) => {
          const stream = accept();
          const readStdin = collectStdin(stream);
          const drop = (): void => {
            socket?.destroy();
          };
          const channelClosed = new AbortController();
          channelsOpen.add(channelClosed);
          stream.once('close', () => {
            channelsOpen.delete(channelClosed);
            channelClosed.abort();
          });
          opts.onExec(request.command, { readStdin, drop, closed: channelClosed.signal, streams: { stdin: stream, stdout: stream }, stderr: stream.stderr, identity }).then(
            (result) => {
              if (result === 'dropped' || stream.destroyed) return;
              if (result.stdout) stream.write(result.stdout);
              if (result.stderr) stream.stderr.write(result.stderr);
              stream.exit(result.exitCode);
              stream.end();
            },
            (error: unknown) => {
              if (stream.destroyed) return;
              stream.stderr.write(`carve-sim: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
              stream.exit(70);
              stream.end();
            },
          );
        });
      });
    });
  });

  const net: NetServer = createServer((socket) => {
    // Without it Nagle holds each small SSH packet for the peer's delayed ACK (~40 ms a round trip).
    socket.setNoDelay(true);
    sockets.add(socket);
    if (socket.remotePort !== undefined) byRemotePort.set(socket.remotePort, socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (socket.remotePort !== undefined) byRemotePort.delete(socket.remotePort);
    });
    ssh.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, '127.0.0.1', () => resolve());
  });
  const address = net.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    port: boundPort,
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        net.close(() => resolve());
      }),
  };
}
