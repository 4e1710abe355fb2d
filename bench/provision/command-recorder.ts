import type { Dom0CommandInput, Dom0Target, ExecOptions, ExecResult, SshConnectionPool } from '@carve/xen';

export interface RecordedExec {
  stdin?: string;
  exitCode: number;
}

/**
 * Notes, for every command line the worker sends, the stdin it carried and the exit code it
 * got. Job steps record command lines only (the content of `cat > file` travels on stdin),
 * so the direct replay needs this to send the same bytes, and uses the exit codes to check
 * it did the same work.
 */
export class CommandRecorder {
  /** Every time a line ran, in order: a check such as `xl list <domain>` runs before and after its action. */
  private readonly byLine: Map<string, RecordedExec[]>;

  constructor(entries: readonly [string, RecordedExec[]][] = []) {
    this.byLine = new Map(entries);
  }

  /** What was recorded, as plain data: the worker child sends it to the bench over IPC. */
  entries(): [string, RecordedExec[]][] {
    return [...this.byLine];
  }

  attach(pool: SshConnectionPool): void {
    const inner = pool.exec.bind(pool);
    pool.exec = async (target: Dom0Target, command: Dom0CommandInput, options?: ExecOptions): Promise<ExecResult> => {
      const result = await inner(target, command, options);
      const runs = this.byLine.get(command.line) ?? [];
      runs.push({ stdin: command.stdin, exitCode: result.exitCode });
      this.byLine.set(command.line, runs);
      return result;
    };
  }

  /**
   * Takes the next run of this line, in the order the worker ran them; a line a job step
   * shortened (over 500 characters) is found by its start.
   */
  take(recordedLine: string): { line: string; exec: RecordedExec } | undefined {
    let line: string | undefined = this.byLine.has(recordedLine) ? recordedLine : undefined;
    if (line === undefined && recordedLine.endsWith('...')) {
      const start = recordedLine.slice(0, -3);
      line = [...this.byLine.keys()].find((l) => l.startsWith(start));
    }
    const runs = line === undefined ? undefined : this.byLine.get(line);
    const exec = runs?.shift();
    return line !== undefined && exec ? { line, exec } : undefined;
  }
}
