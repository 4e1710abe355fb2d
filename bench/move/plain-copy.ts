import { Client, type ClientChannel } from 'ssh2';
import type { SimEndpoint } from '../provision/sim-shape';

/** One plain ssh2 connection to a simulated host: what a shell script with `ssh` would hold. */
export async function connect(sim: SimEndpoint, _carveKeyPath: string): Promise<Client> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    // Raw lines on the simulator need its admin key (carve's key reaches only the agent).
    client.connect({ host: '127.0.0.1', port: sim.port, username: 'root', privateKey: sim.adminPrivateKey, hostVerifier: () => true });
  });
  return client;
}

function exec(client: Client, line: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.exec(line, (error, channel) => (error ? reject(error) : resolve(channel))));
}

/** Runs a command to its end: its exit code and stderr. */
export async function run(client: Client, line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const channel = await exec(client, line);
  let stdout = '';
  let stderr = '';
  let code = -1;
  channel.on('data', (c: Buffer) => (stdout += c.toString()));
  channel.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  channel.on('exit', (exitCode: number | null) => (code = exitCode ?? -1));
  channel.end();
  return new Promise((resolve) => channel.once('close', () => resolve({ code, stdout, stderr })));
}

/**
 * `ssh src dd if=LV | ssh dst dd of=LV`, in Node: the source channel piped into the target
 * channel, nothing else (no hashing, no progress, no job records).
 */
export async function plainCopy(source: Client, target: Client, device: string): Promise<number> {
  const [out, into] = await Promise.all([exec(source, `dd if=${device} bs=4M status=none`), exec(target, `dd of=${device} bs=4M iflag=fullblock conv=fsync status=none`)]);
  let bytes = 0;
  out.on('data', (c: Buffer) => (bytes += c.length));
  let code: number | null = null;
  into.on('exit', (exitCode: number | null) => (code = exitCode));
  into.stderr.resume();
  into.resume();
  out.stderr.resume();
  const intoDone = new Promise<void>((resolve) => into.once('close', () => resolve()));
  out.pipe(into);
  await intoDone;
  if (code !== 0) throw new Error(`dd of=${device} exited ${code}`);
  return bytes;
}
