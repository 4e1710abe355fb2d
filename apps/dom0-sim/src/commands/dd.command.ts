import { createHash } from 'node:crypto';
import { fail, ok, type CommandResult } from '../command-result';
import type { CommandInput, ExecStreams } from '../sim-runtime';
import type { SimLogicalVolume } from '../state/host-state';
import { lvForDevice } from '../state/vfs';
import { BLOCK_BYTES, blockCount, knownChecksum, readBlock, rememberChecksum, writeBlock } from '../state/volume-content';

const SIZE_UNITS: Record<string, number> = { '': 1, c: 1, w: 2, b: 512, K: 1024, k: 1024, M: 1024 ** 2, G: 1024 ** 3 };

interface DdOptions {
  input?: string;
  output?: string;
  status: 'default' | 'none' | 'progress';
}

function parseDd(args: string[]): DdOptions | string {
  const options: DdOptions = { status: 'default' };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) return `dd: unrecognized operand '${arg}'`;
    const [key, value] = [arg.slice(0, eq), arg.slice(eq + 1)];
    switch (key) {
      case 'if':
        options.input = value;
        break;
      case 'of':
        options.output = value;
        break;
      case 'bs': {
        const m = /^(\d+)([cwbKkMG]?)$/.exec(value);
        if (!m || Number(m[1]) <= 0) return `dd: invalid number: '${value}'`;
        // Any block size reads and writes the same bytes; the simulator moves 1 MiB blocks.
        void (Number(m[1]) * (SIZE_UNITS[m[2]] ?? 1));
        break;
      }
      case 'status':
        if (value !== 'none' && value !== 'progress' && value !== 'noxfer') return `dd: invalid status level: '${value}'`;
        options.status = value === 'noxfer' ? 'default' : value;
        break;
      case 'iflag':
      case 'oflag':
      case 'conv':
        break; // direct, fullblock, fsync...: no difference to what is copied
      default:
        return `dd: unrecognized operand '${arg}'`;
    }
  }
  return options;
}

/** Sleeps so that `bytes` since `startedMs` take at least bytes / rate. */
async function pace(input: CommandInput, bytes: number, startedMs: number): Promise<void> {
  const rate = input.runtime.state.streamRateMBps ?? 0;
  if (!(rate > 0)) return;
  const dueMs = startedMs + (bytes / (rate * 1e6)) * 1000;
  const waitMs = dueMs - Date.now();
  if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
}

function summary(options: DdOptions, bytes: number, startedMs: number): string {
  if (options.status === 'none') return '';
  const seconds = Math.max(0.001, (Date.now() - startedMs) / 1000);
  const records = Math.floor(bytes / BLOCK_BYTES);
  const partial = bytes % BLOCK_BYTES > 0 ? 1 : 0;
  return `${records}+${partial} records in\n${records}+${partial} records out\n${bytes} bytes copied, ${seconds.toFixed(3)} s, ${(bytes / seconds / 1e6).toFixed(1)} MB/s\n`;
}

function volumeOrError(input: CommandInput, path: string): SimLogicalVolume | CommandResult {
  const lv = lvForDevice(input.runtime.state, path);
  if (!lv) return fail(`dd: failed to open '${path}': No such file or directory\n`);
  return lv;
}

function write(streams: ExecStreams, chunk: Buffer, closed: AbortSignal | undefined): Promise<boolean> {
  if (closed?.aborted) return Promise.resolve(false);
  let ready: boolean;
  try {
    ready = streams.stdout.write(chunk);
  } catch {
    return Promise.resolve(false);
  }
  if (ready) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (value: boolean) => () => {
      streams.stdout.removeListener('drain', onDrain);
      streams.stdout.removeListener('close', onClose);
      closed?.removeEventListener('abort', onClose);
      resolve(value);
    };
    const onDrain = done(true);
    const onClose = done(false);
    streams.stdout.once('drain', onDrain);
    streams.stdout.once('close', onClose);
    closed?.addEventListener('abort', onClose, { once: true });
  });
}

/** `dd if=/dev/VG/LV` to the channel, block by block at the host's stream rate. */
async function readVolume(input: CommandInput, lv: SimLogicalVolume, options: DdOptions): Promise<CommandResult> {
  const streams = input.streams;
  if (!streams) return fail('carve-sim: dd of a volume to stdout needs an exec channel\n', 2);
  const started = Date.now();
  const hash = createHash('sha256');
  let bytes = 0;
  const blocks = blockCount(lv);
  for (let i = 0; i < blocks; i += 1) {
    const block = readBlock(lv, i);
    hash.update(block);
    if (!(await write(streams, block, input.closed))) return fail('', 141); // reader went away: SIGPIPE
    bytes += block.length;
    await pace(input, bytes, started);
  }
  rememberChecksum(lv, hash.digest('hex'));
  return ok('', summary(options, bytes, started));
}

/** `dd of=/dev/VG/LV` from the channel's stdin until EOF. */
async function writeVolume(input: CommandInput, lv: SimLogicalVolume, options: DdOptions): Promise<CommandResult> {
  const streams = input.streams;
  if (!streams) return fail('carve-sim: dd to a volume from stdin needs an exec channel\n', 2);
  const started = Date.now();
  const hash = createHash('sha256');
  let bytes = 0;
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (length: number): void => {
    const data = Buffer.concat(pending, pendingBytes);
    const block = data.subarray(0, length);
    writeBlock(lv, index, block);
    hash.update(block);
    index += 1;
    bytes += block.length;
    const rest = data.subarray(length);
    pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
  };
  let full = false;
  // Events, not an async iterator: the iterator would destroy the channel at EOF, before dd answers.
  await new Promise<void>((resolve) => {
    const stdin = streams.stdin;
    const finish = (): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', finish);
      stdin.removeListener('close', finish);
      input.closed?.removeEventListener('abort', finish);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= BLOCK_BYTES) {
        if (index * BLOCK_BYTES >= lv.sizeBytes) {
          full = true;
          stdin.pause();
          finish();
          return;
        }
        flush(BLOCK_BYTES);
      }
      if ((input.runtime.state.streamRateMBps ?? 0) > 0) {
        stdin.pause();
        void pace(input, bytes, started).then(() => stdin.resume());
      }
    };
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('close', finish);
    input.closed?.addEventListener('abort', finish, { once: true });
  });
  if (full) return fail(`dd: error writing '${options.output}': No space left on device\n${summary(options, bytes, started)}`);
  if (input.closed?.aborted) return fail('', 129);
  if (pendingBytes > 0) flush(pendingBytes);
  // The whole volume written in one pass: its checksum is what was written.
  if (bytes === lv.sizeBytes) rememberChecksum(lv, hash.digest('hex'));
  return ok('', summary(options, bytes, started));
}

/** dd between an LV and the exec channel (the only transfers carve makes). */
export async function dd(input: CommandInput): Promise<CommandResult> {
  const options = parseDd(input.args);
  if (typeof options === 'string') return fail(`${options}\nTry 'dd --help' for more information.\n`);
  if (options.input !== undefined && options.output === undefined) {
    const lv = volumeOrError(input, options.input);
    return 'name' in lv ? readVolume(input, lv, options) : lv;
  }
  if (options.output !== undefined && options.input === undefined) {
    const lv = volumeOrError(input, options.output);
    return 'name' in lv ? writeVolume(input, lv, options) : lv;
  }
  return fail('carve-sim: dd is simulated between one LV and the channel: give exactly one of if= and of=\n', 2);
}

/** `sha256sum /dev/VG/LV...`: each volume's digest, computed on demand (remembered after a full pass). */
export async function sha256sum(input: CommandInput): Promise<CommandResult> {
  if (input.args.length === 0) return fail('carve-sim: sha256sum is simulated for block devices only\n', 2);
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const path of input.args) {
    const lv = lvForDevice(input.runtime.state, path);
    if (!lv) {
      stderr += `sha256sum: ${path}: No such file or directory\n`;
      exitCode = 1;
      continue;
    }
    let digest = knownChecksum(lv);
    if (digest === undefined) {
      const hash = createHash('sha256');
      for (let i = 0; i < blockCount(lv); i += 1) {
        hash.update(readBlock(lv, i));
        // Stay responsive (keepalives, other channels) through a long volume.
        if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
        if (input.closed?.aborted) return fail('', 129);
      }
      digest = hash.digest('hex');
      rememberChecksum(lv, digest);
    }
    stdout += `${digest}  ${path}\n`;
  }
  return { stdout, stderr, exitCode };
}
