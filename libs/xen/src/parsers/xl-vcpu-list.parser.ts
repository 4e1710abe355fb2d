import { failer, outputLines, toDecimal, toSafeInteger } from './output-lines';

export interface XlVcpuEntry {
  readonly name: string;
  readonly domid: number;
  readonly vcpu: number;
  /** Physical CPU it runs on; null when the vCPU is offline (`-`). */
  readonly cpu: number | null;
  readonly running: boolean;
  readonly blocked: boolean;
  readonly paused: boolean;
  readonly cpuTimeSeconds: number;
  readonly hardAffinity: string;
  readonly softAffinity: string;
}

const HEADER = /^Name\s+ID\s+VCPU\s+CPU\s+State\s+Time\(s\)\s+Affinity/;
const ROW = /^(.*\S)\s+(\d+)\s+(\d+)\s+(\d+|-)\s+([r-][b-][p-])\s+(\d+\.\d+)\s+(\S.*?)\s*\/\s*(\S.*)$/;

export function parseXlVcpuList(stdout: string): XlVcpuEntry[] {
  const fail = failer('xl vcpu-list');
  const lines = outputLines(stdout);
  if (lines.length === 0) return fail(undefined, 'no output: expected the xl vcpu-list header');
  if (!HEADER.test(lines[0].text.trim())) return fail(lines[0], 'expected the header "Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)"');
  return lines.slice(1).map((line) => {
    const at = (reason: string): never => fail(line, reason);
    const m = ROW.exec(line.text.trim()) ?? at('expected NAME ID VCPU CPU STATE TIME HARD / SOFT');
    return {
      name: m[1],
      domid: toSafeInteger(m[2], at, 'ID'),
      vcpu: toSafeInteger(m[3], at, 'VCPU'),
      cpu: m[4] === '-' ? null : toSafeInteger(m[4], at, 'CPU'),
      running: m[5][0] === 'r',
      blocked: m[5][1] === 'b',
      paused: m[5][2] === 'p',
      cpuTimeSeconds: toDecimal(m[6], at, 'Time(s)'),
      hardAffinity: m[7].trim(),
      softAffinity: m[8].trim(),
    };
  });
}
