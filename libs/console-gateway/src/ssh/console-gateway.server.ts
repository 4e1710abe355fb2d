import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { utils, Connection, Server } from 'ssh2';
import { ConsoleSessionPolicy } from '../sessions/console-session-policy';
import { GatewayHostKey } from './gateway-host-key';
import { GatewayLogin, GatewayLogins } from './gateway-logins';
import { relayConsole } from './gateway-relay';

/**
 * The SSH console gateway: `ssh -p PORT SERVERNAME@host` with a key registered on the
 * user gets that server's console. Public keys only; no exec, no forwarding, no sftp:
 * the one thing a connection can do is relay one console.
 *
 * It runs in the API process, next to the console hub the web console uses, so a server's
 * web and SSH viewers share one upstream stream, one keyboard and one set of caps.
 * It listens at boot when CARVE_CONSOLE_GATEWAY_PORT is not 0; a port already in use is
 * logged and the API carries on without the gateway.
 */
@Injectable()
export class ConsoleGatewayServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('console-gateway');
  private server?: Server;
  private readonly connections = new Set<Connection>();
  private listening?: AddressInfo;

  constructor(
    private readonly config: CarveConfig,
    private readonly hostKey: GatewayHostKey,
    private readonly logins: GatewayLogins,
    private readonly policy: ConsoleSessionPolicy,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.consoleGatewayPort === 0) return;
    try {
      const address = await this.listen(this.config.consoleGatewayPort, this.config.consoleGatewayHost);
      this.logger.log({ msg: 'console gateway listening', host: address.address, port: address.port, hostKeyFingerprint: this.hostKey.get().fingerprint });
    } catch (error) {
      this.logger.error({ msg: 'console gateway not started', port: this.config.consoleGatewayPort, err: error instanceof Error ? error.message : String(error) });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  /** Where it listens, when it does. */
  address(): AddressInfo | undefined {
    return this.listening;
  }

  /** Starts listening (port 0: any free port, as tests use it). */
  async listen(port: number, host: string): Promise<AddressInfo> {
    if (this.listening) return this.listening;
    const server = new Server({ hostKeys: [this.hostKey.get().privateKey], ident: 'carve-console-gateway' }, (client, info) => this.accept(client, info.ip));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error: Error) => this.logger.error({ msg: 'console gateway error', err: error.message }));
    this.server = server;
    this.listening = server.address() as AddressInfo;
    return this.listening;
  }

  /**
   * Stops listening and ends every gateway session with `shutdown` (each client is told,
   * gets exit status 1 and its connection closes); the domains are untouched. Connections
   * still open after a second are dropped.
   */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    for (const session of this.policy.openSessions()) {
      if (session.viewer.kind === 'ssh') session.end('shutdown', 'The console gateway is restarting; connect again in a moment.');
    }
    for (let waited = 0; this.connections.size > 0 && waited < 1000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const client of this.connections) client.end();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Connection, remoteAddress: string): void {
    this.connections.add(client);
    let login: { name: string; resolved: GatewayLogin } | undefined;
    let shellOpened = false;
    client.on('error', (error: Error) => this.logger.debug({ msg: 'gateway client error', remoteAddress, err: error.message }));
    client.on('close', () => this.connections.delete(client));

    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      void this.logins.resolve(ctx.username, ctx.key.data).then(
        (resolved) => {
          if (!resolved) return ctx.reject(['publickey']);
          // Without a signature the client only asks whether the key would do.
          if (ctx.signature === undefined || ctx.blob === undefined) return ctx.accept();
          const key = utils.parseKey(resolved.owner.key.publicKey);
          const publicKey = Array.isArray(key) ? key[0] : key;
          if (!publicKey || publicKey instanceof Error || publicKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
          login = { name: ctx.username, resolved };
          ctx.accept();
        },
        (error: unknown) => {
          this.logger.error({ msg: 'gateway login lookup failed', remoteAddress, err: error instanceof Error ? error.message : String(error) });
          ctx.reject(['publickey']);
        },
      );
    });

    client.on('ready', () => {
      if (!login) return client.end();
      const { name, resolved } = login;
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (accept) => accept?.());
        session.on('window-change', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('exec', (accept) => {
          const channel = accept();
          channel.on('error', () => undefined);
          channel.stderr.write('[carve] The console gateway runs no commands; log in without one to get the console.\r\n');
          channel.exit(2);
          channel.end();
        });
        session.on('subsystem', (_accept, reject) => reject());
        session.on('shell', (accept, reject) => {
          // One console per connection: a second shell channel would be a second session outside the caps' intent.
          if (shellOpened) return reject();
          shellOpened = true;
          const channel = accept();
          // A client gone mid-write surfaces as a channel error: handled, never thrown at the process.
          channel.on('error', (error: Error) => this.logger.debug({ msg: 'gateway channel error', remoteAddress, err: error.message }));
          // The connection ends once the client has closed the channel too: ending it sooner loses the exit status (OpenSSH then exits 255).
          channel.on('close', () => client.end());
          if (resolved.server) void this.logins.recordUse(resolved.owner.key.id);
          relayConsole(channel, resolved, name, remoteAddress, this.policy).catch((error: unknown) => {
            this.logger.error({ msg: 'console relay failed', remoteAddress, err: error instanceof Error ? error.message : String(error) });
            channel.exit(1);
            channel.end();
          });
        });
      });
    });
  }
}
