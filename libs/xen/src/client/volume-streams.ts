import type { Readable, Writable } from 'node:stream';
import { ddReadCommand, ddWriteCommand, volumeChecksumQuery } from '../commands/volume-stream.commands';
import type { Dom0Executor } from '../ssh/dom0-executor';
import type { Dom0Target } from '../ssh/dom0-target';
import { failureFor } from './dom0-failure.mapper';
import { Dom0Runner } from './dom0-runner';

/**
 * A volume's bytes in and out of one Dom0 over its pooled SSH connection, for copying a
 * volume between two hosts through the worker: `readTo` pipes `dd if=` into a stream,
 * `writeFrom` pipes a stream into `dd of=`, each with the channel's flow control, so the
 * slower side paces the faster and nothing is buffered whole.
 */
export class Dom0VolumeStreams {
  private readonly runner: Dom0Runner;

  constructor(
    private readonly executor: Dom0Executor,
    private readonly target: Dom0Target,
    private readonly vg: string,
  ) {
    this.runner = new Dom0Runner(executor, target);
  }

  /** Streams the whole LV into `sink` (ended when the volume ends). */
  async readTo(name: string, sink: Writable, options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    const command = ddReadCommand({ vg: this.vg, lv: name });
    const result = await this.stream().call(this.executor, this.target, command, { stdout: sink, ...(options.signal ? { signal: options.signal } : {}) }, { timeoutMs: options.timeoutMs });
    if (result.exitCode !== 0) throw failureFor(this.target.hostId, command.description, result.exitCode, result.stderr, '');
  }

  /** Writes what `source` gives onto the LV, until it ends. */
  async writeFrom(name: string, source: Readable, options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    const command = ddWriteCommand({ vg: this.vg, lv: name });
    const result = await this.stream().call(this.executor, this.target, command, { stdin: source, ...(options.signal ? { signal: options.signal } : {}) }, { timeoutMs: options.timeoutMs });
    if (result.exitCode !== 0) throw failureFor(this.target.hostId, command.description, result.exitCode, result.stderr, result.stdout);
  }

  /** sha256 of the LV as the host reads it. */
  checksum(name: string, options: { timeoutMs?: number } = {}): Promise<string> {
    const query = volumeChecksumQuery({ vg: this.vg, lv: name });
    return this.runner.run(query.command, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }).then((r) => query.parse(r.stdout));
  }

  private stream(): NonNullable<Dom0Executor['execStream']> {
    const stream = this.executor.execStream;
    if (!stream) throw new Error(`the Dom0 executor for ${this.target.hostId} cannot stream`);
    return stream;
  }
}
