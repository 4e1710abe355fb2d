// Medium tests: a volume streamed from one simulated Dom0 to another through the pool (what a move does).
import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { SimHost, startSimHost } from '@carve/dom0-sim';
import { generateEd25519KeyPair } from '../../../testing/src/sshd';
import { Dom0Target, SshConnectionPool } from '../ssh';
import { Dom0Client } from './dom0-client';

const clientKey = generateEd25519KeyPair('carve-sim-client');
let source: SimHost;
let target: SimHost;
let pool: SshConnectionPool;

beforeAll(async () => {
  [source, target] = await Promise.all([
    startSimHost({ name: 'src', port: 0, authorizedKeys: [clientKey.public] }),
    startSimHost({ name: 'dst', port: 0, authorizedKeys: [clientKey.public] }),
  ]);
  pool = new SshConnectionPool();
});

afterAll(async () => {
  await pool.close();
  await Promise.all([source.close(), target.close()]);
});

function clientFor(sim: SimHost): Dom0Client {
  const t: Dom0Target = { hostId: sim.name, address: '127.0.0.1', port: sim.port, username: 'root', privateKey: clientKey.private, expectedHostKeyFingerprint: sim.hostKeyFingerprint };
  return new Dom0Client(pool, t, { volumeGroup: 'vg0' });
}

/** Source stdout -> a hashing pass-through -> target stdin, as the move job wires it. */
async function copy(from: Dom0Client, to: Dom0Client, name: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const relay = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await Promise.all([from.volumeStreams().readTo(name, relay, { timeoutMs: 60_000 }), to.volumeStreams().writeFrom(name, relay, { timeoutMs: 60_000 })]);
  return { sha256: hash.digest('hex'), bytes };
}

it('copies a volume between two hosts with the same checksum at both ends and the filesystem carried over', async () => {
  const src = clientFor(source);
  const dst = clientFor(target);
  await src.createVolume('web1-root', 1);
  await src.makeFilesystem(src.volumeDevice('web1-root'), 'ext4', { inodes: 65536 });
  await dst.createVolume('web1-root', 1);
  const before = await src.volumeStreams().checksum('web1-root');
  const dstBefore = await dst.volumeStreams().checksum('web1-root');
  expect(dstBefore).not.toBe(before);

  const copied = await copy(src, dst, 'web1-root');
  expect(copied.bytes).toBe(1024 ** 3);
  expect(copied.sha256).toBe(before);
  expect(await dst.volumeStreams().checksum('web1-root')).toBe(before);
  expect(await src.volumeStreams().checksum('web1-root')).toBe(before);
  expect(await dst.filesystemType(dst.volumeDevice('web1-root'))).toBe('ext4');
  // Memory-sane: the target holds seeds, not the gigabyte.
  const lv = target.state.vg.lvs.find((v) => v.name === 'web1-root')!;
  expect(JSON.stringify(lv.content).length).toBeLessThan(200_000);
}, 60_000);

it('paces dd at the host stream rate, and a reader that goes away stops the source', async () => {
  const src = clientFor(source);
  await src.createVolume('slow1', 1);
  await pool.exec({ hostId: `${source.name}-admin`, address: '127.0.0.1', port: source.port, username: 'root', privateKey: source.adminPrivateKey, expectedHostKeyFingerprint: source.hostKeyFingerprint }, { line: 'carve-sim stream-rate 200' });
  try {
    const sink = new PassThrough();
    let bytes = 0;
    sink.on('data', (c: Buffer) => (bytes += c.length));
    const started = Date.now();
    await src.volumeStreams().readTo('slow1', sink, { timeoutMs: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(bytes).toBe(1024 ** 3);
    // 1 GiB at 200 MB/s: at least 5.3 s.
    expect(seconds).toBeGreaterThan(5);
  } finally {
    await pool.exec({ hostId: `${source.name}-admin`, address: '127.0.0.1', port: source.port, username: 'root', privateKey: source.adminPrivateKey, expectedHostKeyFingerprint: source.hostKeyFingerprint }, { line: 'carve-sim stream-rate 0' });
  }
}, 60_000);

it('answers a missing volume with a failure, not an empty stream', async () => {
  const src = clientFor(source);
  await expect(src.volumeStreams().readTo('nope', new PassThrough(), { timeoutMs: 10_000 })).rejects.toThrow(/No such file/);
  await expect(src.volumeStreams().checksum('nope')).rejects.toThrow(/No such file/);
});

it('a stream whose connection drops frees its volume on the host: the next operation on it runs', async () => {
  const src = clientFor(source);
  await src.createVolume('dropped-read', 1);
  source.state.streamRateMBps = 5;
  try {
    let bytes = 0;
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const reading = src.volumeStreams().readTo('dropped-read', sink, { timeoutMs: 60_000 }).then(() => 'finished', (error: Error) => error.name);
    while (bytes < 4 * 1024 ** 2) await new Promise((r) => setTimeout(r, 20));
    source.dropConnections();
    expect(await reading).toBe('ConnectionDroppedError');
    // The agent's lock on the volume went with the stream; a checksum (which takes it too) answers.
    expect(await src.volumeStreams().checksum('dropped-read')).toMatch(/^[0-9a-f]{64}$/);
  } finally {
    source.state.streamRateMBps = 0;
  }
});
