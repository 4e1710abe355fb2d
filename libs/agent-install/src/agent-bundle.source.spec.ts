// Builds the real agent from source with esbuild and runs it with this node: no stand-ins.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CarveConfig } from '@carve/config';
import { AgentBundleSource, parseVersionOutput } from './agent-bundle.source';
import { AgentInstallUnavailableError } from './agent-install.errors';

jest.setTimeout(60_000);

const configWith = (agentBundlePath?: string): CarveConfig => ({ agentBundlePath, agentInstallRoot: '/' }) as unknown as CarveConfig;

describe('the agent bundle the install copies', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'carve-bundle-source-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is built from source when none is configured, one file with a shebang, and knows its version by asking it', async () => {
    const bundle = await new AgentBundleSource(configWith()).get();
    expect(bundle.code.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bundle.code).not.toMatch(/require\("ssh2"\)|\.node"\)/);
    expect(bundle.version).toMatch(/^\d+$/);
  });

  it('refuses a configured file that is missing or does not answer version', async () => {
    await expect(new AgentBundleSource(configWith(join(dir, 'absent.js'))).get()).rejects.toBeInstanceOf(AgentInstallUnavailableError);
    const mute = join(dir, 'mute.js');
    writeFileSync(mute, 'process.exit(3)\n');
    await expect(new AgentBundleSource(configWith(mute)).get()).rejects.toMatchObject({ code: 'agent_bundle_unavailable' });
  });

  it("reads the version from the agent's hello, and nothing else", () => {
    expect(parseVersionOutput('{"agent":"carve-agent","version":1,"verbs":[],"modes":[]}\n')).toBe('1');
    expect(() => parseVersionOutput('uid=0(root) gid=0(root)\n')).toThrow();
    expect(() => parseVersionOutput('')).toThrow();
  });
});
