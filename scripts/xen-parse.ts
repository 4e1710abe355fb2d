// `npm run xen:parse -- <kind> < file`: show operators what carve reads from a
// host's output. Prints the parsed result as JSON; on a parse error prints the
// parser, line number and line on stderr and exits 1; unknown kind exits 2.
import {
  parseDeviceCounters,
  parseLvs,
  parseSchedCredit2,
  parseVgs,
  parseXentop,
  parseXlInfo,
  parseXlList,
  parseXlListLong,
  parseXlUptime,
  parseXlUptimeShort,
  parseXlVcpuList,
  parseXmListLong,
} from '@carve/xen';

const PARSERS: Record<string, (stdout: string) => unknown> = {
  'xl-list': parseXlList,
  'xl-list-long': parseXlListLong,
  'xl-uptime': parseXlUptime,
  'xl-uptime-short': parseXlUptimeShort,
  'xl-info': parseXlInfo,
  'xl-vcpu-list': parseXlVcpuList,
  xentop: parseXentop,
  'xm-list-long': parseXmListLong,
  'sched-credit2': parseSchedCredit2,
  vgs: parseVgs,
  lvs: parseLvs,
  'sysfs-counters': parseDeviceCounters,
};

interface ParseFailure {
  code: 'XEN_PARSE_FAILED';
  parser: string;
  lineNumber: number;
  line: string;
  reason: string;
}

function isParseFailure(error: unknown): error is ParseFailure {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'XEN_PARSE_FAILED';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<number> {
  const kind = process.argv[2];
  const parse = kind === undefined ? undefined : PARSERS[kind];
  if (parse === undefined || process.argv.length > 3) {
    process.stderr.write(`usage: npm run xen:parse -- <${Object.keys(PARSERS).join('|')}> < file\n`);
    return 2;
  }
  const input = await readStdin();
  try {
    process.stdout.write(JSON.stringify(parse(input), null, 2) + '\n');
    return 0;
  } catch (error) {
    if (!isParseFailure(error)) throw error;
    process.stderr.write(`${error.parser}: line ${error.lineNumber}: ${error.reason}\n  ${JSON.stringify(error.line)}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`xen:parse failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  },
);
