import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, REDIS_MISSING_HINT } from '../../scripts/launcher/redis-server';

describe('finding redis-server', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'carve-redis-find-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds an executable redis-server in a PATH directory', () => {
    const binary = join(dir, 'redis-server');
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);
    expect(findRedisServer(`/nonexistent:${dir}`, [])).toBe(binary);
  });

  it('skips a redis-server that is not executable, and reports none when nothing fits', () => {
    writeFileSync(join(dir, 'redis-server'), '#!/bin/sh\n', { mode: 0o644 });
    expect(findRedisServer(dir, [])).toBeUndefined();
    expect(findRedisServer('', [])).toBeUndefined();
  });

  it('tells the operator every way to get Redis', () => {
    expect(REDIS_MISSING_HINT).toContain('docker compose up -d redis');
    expect(REDIS_MISSING_HINT).toContain('apt-get install redis-server');
    expect(REDIS_MISSING_HINT).toContain('REDIS_URL=');
  });
});
