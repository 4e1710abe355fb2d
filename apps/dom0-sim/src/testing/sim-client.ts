import { generateEd25519KeyPair } from '../generate-key';
import { Client } from 'ssh2';
import { startSimHost, type SimHost, type SimHostOptions } from '../sim-host';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the connection died before an exit status arrived. */
  exitCode: number | null;
}

/** A real ssh2 client session against a simulated host, for specs. */
export class SimClient {
  private constructor(private readonly client: Client) {
    client.once('close', () => {
      this.isClosed = true;
    });
  }

  static connect(port: number, privateKey: string): Promise<SimClient> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      client.once('ready', () => {
        // Nagle would hold each small request for the server's delayed ACK.
        client.setNoDelay(true);
        resolve(new SimClient(client));
      });
      // After `ready`, a reset (a drop fault, the host closing) ends up as 'close' for the caller.
      client.on('error', reject);
      client.connect({ host: '127.0.0.1', port, username: 'root', privateKey, readyTimeout: 10000 });
    });
  }

  exec(line: string, stdin?: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(line, (error, stream) => {
        if (error) return reject(error);
        let stdout = '';
        let stderr = '';
        let exitCode: number | null = null;
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('exit', (code: number | null) => (exitCode = code));
        stream.on('close', () => resolve({ stdout, stderr, exitCode }));
        if (stdin !== undefined) stream.end(stdin);
      });
    });
  }

  /** Resolves when the connection closes (for drop faults). */
  closed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.client.once('close', () => resolve()));
  }

  private isClosed = false;

  end(): void {
    this.client.end();
  }
}

export interface SimFixture {
  host: SimHost;
  client: SimClient;
  clientKey: string;
  close(): Promise<void>;
}

/**
 * A host on a random port and a connected client that runs raw command lines: it logs in
 * with the simulator's admin key (carve's key, `authorizedKeys`, reaches only the agent).
 */
export async function startSimFixture(opts: Partial<SimHostOptions> = {}): Promise<SimFixture> {
  const keys = generateEd25519KeyPair();
  const host = await startSimHost({ authorizedKeys: [generateEd25519KeyPair().public], ...opts, adminKey: keys });
  const client = await SimClient.connect(host.port, keys.private);
  return {
    host,
    client,
    clientKey: keys.private,
    async close() {
      const closed = client.closed();
      client.end();
      await closed;
      await host.close();
    },
  };
}

export const DOMAIN_CFG = (name: string, memory = 2048, extra = ''): string =>
  [
    `name = "${name}"`,
    'type = "pvh"',
    `memory = ${memory}`,
    `maxmem = ${memory * 2}`,
    'vcpus = 2',
    'maxvcpus = 4',
    'bootloader = "pygrub"',
    `disk = [ 'phy:/dev/vg0/${name}-root,xvda,w' ]`,
    `vif = [ 'mac=00:16:3e:5a:01:02,bridge=xenbr0' ]`,
    extra,
    '',
  ].join('\n');

/** lvcreate, write the config, xl create: what carve does to start a domain. */
export async function createDomain(client: SimClient, name: string, memory = 2048): Promise<ExecResult> {
  await client.exec(`lvcreate -n ${name}-root -L 10G vg0`);
  await client.exec(`cat > /etc/xen/${name}.cfg`, DOMAIN_CFG(name, memory));
  return client.exec(`xl create /etc/xen/${name}.cfg`);
}
