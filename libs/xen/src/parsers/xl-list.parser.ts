import { DomainState, parseXlState } from './domain-state';
import { failer, outputLines, toDecimal, toSafeInteger } from './output-lines';

export interface XlListEntry {
  readonly name: string;
  readonly domid: number;
  readonly memoryMiB: number;
  readonly vcpus: number;
  readonly stateText: string;
  readonly state: DomainState;
  /** Summed over vCPUs, 0.1 s resolution. */
  readonly cpuTimeSeconds: number;
}

const PARSER = 'xl list';
/** The header has TABs before State and Time(s); any whitespace will do. */
const HEADER = /^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)$/;
/** Split from the right: the name is whatever precedes the last five columns. */
const ROW = /^(.*\S)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S{6})\s+(\d+\.\d+)$/;

export function parseXlList(stdout: string): XlListEntry[] {
  const fail = failer(PARSER);
  const lines = outputLines(stdout);
  if (lines.length === 0) return fail(undefined, 'no output: expected the xl list header');
  if (!HEADER.test(lines[0].text.trim())) return fail(lines[0], 'expected the header "Name ID Mem VCPUs State Time(s)"');
  return lines.slice(1).map((line) => {
    const match = ROW.exec(line.text.trim());
    if (!match) return fail(line, 'expected NAME ID MEM VCPUS STATE TIME');
    const at = (reason: string): never => fail(line, reason);
    const state = parseXlState(match[5]) ?? at(`state ${JSON.stringify(match[5])} is not six letters rbps?d`);
    return {
      name: match[1],
      domid: toSafeInteger(match[2], at, 'ID'),
      memoryMiB: toSafeInteger(match[3], at, 'Mem'),
      vcpus: toSafeInteger(match[4], at, 'VCPUs'),
      stateText: match[5],
      state,
      cpuTimeSeconds: toDecimal(match[6], at, 'Time(s)'),
    };
  });
}
