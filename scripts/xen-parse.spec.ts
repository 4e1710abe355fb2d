import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const FIXTURES = join(ROOT, 'libs', 'xen', 'test-fixtures');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The script as `npm run xen:parse` runs it, with the input on stdin. */
function xenParse(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/xen-parse.ts', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm run xen:parse', () => {
  it('prints the parsed reference samples as JSON', async () => {
    const list = await xenParse(['xl-list'], readFileSync(join(FIXTURES, 'xl-list.reference.txt'), 'utf8'));
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((d) => d.name)).toEqual(['Domain-0', 'web1', 'build', 'crashy']);

    const top = await xenParse(['xentop'], readFileSync(join(FIXTURES, 'xentop.two-iterations.txt'), 'utf8'));
    expect(top.code).toBe(0);
    expect(JSON.parse(top.stdout)).toMatchObject({ iterations: 2, domains: [{ name: 'db1', cpuPercent: 87.4 }, { name: 'Domain-0' }, { name: 'web1' }] });
  });

  it('exits 1 with parser, line number and line on garbage', async () => {
    const run = await xenParse(['xl-uptime'], 'Name ID Uptime\nthis is not an uptime\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('xl uptime: line 2:');
    expect(run.stderr).toContain('"this is not an uptime"');
  });

  it('exits 2 with usage on an unknown kind', async () => {
    const run = await xenParse(['xl-lsit'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^usage: npm run xen:parse -- <xl-list\|/);
  });
});
