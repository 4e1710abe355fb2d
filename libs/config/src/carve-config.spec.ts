import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './carve-config';

const VALID = { DATABASE_URL: 'postgres://carve:secret@127.0.0.1:5432/carve', REDIS_URL: 'redis://127.0.0.1:6379' };

/** The ConfigError loadConfig throws for this environment (fails the test if it does not throw one). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('reads a valid environment, with defaults for everything optional', () => {
    const config = loadConfig(VALID);
    expect(config).toMatchObject({
      databaseUrl: VALID.DATABASE_URL,
      redisUrl: VALID.REDIS_URL,
      redisPrefix: 'carve',
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      rateLimitPerWindow: 600,
      bodyLimitBytes: 1_048_576,
      bootstrapToken: undefined,
    });
  });

  it('accepts every documented form', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://db.internal/carve',
      REDIS_URL: 'rediss://:pw@cache.internal:6380/2',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      CARVE_BOOTSTRAP_TOKEN: 'carve_abcd1234_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef',
      RATE_LIMIT_PER_MINUTE: '5',
    });
    expect(config).toMatchObject({ port: 8080, logLevel: 'debug', rateLimitPerWindow: 5, bootstrapToken: 'carve_abcd1234_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef' });
  });

  it.each(['DATABASE_URL', 'REDIS_URL'])('names %s and its form when it is missing or blank', (variable) => {
    for (const value of [undefined, '', '   ']) {
      const error = configError({ ...VALID, [variable]: value });
      expect(error.problems).toEqual([{ variable, expected: expect.stringMatching(variable === 'DATABASE_URL' ? /postgres:\/\// : /redis:\/\//) }]);
      expect(error.message).toContain(variable);
      expect(error.message).toMatch(/expected a (PostgreSQL|Redis) URL like/);
    }
  });

  it.each([
    ['DATABASE_URL', 'not a url', /PostgreSQL URL like postgres:\/\//],
    ['DATABASE_URL', 'mysql://127.0.0.1/carve', /PostgreSQL URL/],
    ['DATABASE_URL', 'postgres://', /PostgreSQL URL/],
    ['REDIS_URL', '127.0.0.1:6379', /Redis URL like redis:\/\//],
    ['REDIS_URL', 'http://127.0.0.1:6379', /Redis URL/],
  ])('names %s when it is malformed (%s), with what it got', (variable, value, form) => {
    const error = configError({ ...VALID, [variable]: value });
    expect(error.problems).toEqual([{ variable, expected: expect.stringMatching(form), received: value }]);
    expect(error.message).toContain(`${variable}: expected`);
    expect(error.message).toContain(`got "${value}"`);
  });

  it('never repeats a password from a rejected URL', () => {
    const error = configError({ ...VALID, DATABASE_URL: 'mysql://carve:hunter2@db/carve' });
    expect(error.message).not.toContain('hunter2');
    expect(error.problems[0]?.received).toBe('mysql://carve:***@db/carve');
  });

  it.each(['0', '65536', 'abc', '80.5', '-1', '3000x', '1e3'])('rejects PORT=%s as an integer from 1 to 65535', (port) => {
    const error = configError({ ...VALID, PORT: port });
    expect(error.problems).toEqual([{ variable: 'PORT', expected: 'an integer from 1 to 65535', received: port }]);
  });

  it('rejects an unknown LOG_LEVEL, listing the levels', () => {
    const error = configError({ ...VALID, LOG_LEVEL: 'verbose' });
    expect(error.problems).toEqual([{ variable: 'LOG_LEVEL', expected: 'one of fatal, error, warn, info, debug, trace', received: 'verbose' }]);
  });

  it.each([
    ['too short', 'carve_abcd1234_short'],
    ['uppercase prefix', 'carve_ABCD1234_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef'],
    ['no carve_ prefix', 'abcdefgh_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef'],
    ['a plain password', 'hunter2'],
  ])('rejects a CARVE_BOOTSTRAP_TOKEN that is %s, saying the form, without echoing it whole', (_, token) => {
    const error = configError({ ...VALID, CARVE_BOOTSTRAP_TOKEN: token });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ variable: 'CARVE_BOOTSTRAP_TOKEN', expected: expect.stringContaining('carve_<8 lowercase letters or digits>_<32 letters or digits>') });
    if (token.length > 12) expect(error.message).not.toContain(token);
  });

  it('reads the console settings: gateway on 2222 with its host key under CARVE_DATA_DIR, caps, idle and recheck times', () => {
    expect(loadConfig(VALID)).toMatchObject({
      consoleGatewayPort: 2222,
      consoleGatewayHost: '127.0.0.1',
      consoleGatewayHostKeyPath: '.data/console-gateway/ssh_host_ed25519_key',
      consoleSessionsPerServer: 4,
      consoleSessionsPerTenant: 10,
      consoleIdleSeconds: 1800,
      consoleRecheckSeconds: 5,
    });
    expect(loadConfig({ ...VALID, HOST: '0.0.0.0', CARVE_DATA_DIR: '/srv/carve', CARVE_CONSOLE_GATEWAY_PORT: '0' })).toMatchObject({
      consoleGatewayPort: 0,
      consoleGatewayHost: '0.0.0.0',
      consoleGatewayHostKeyPath: '/srv/carve/console-gateway/ssh_host_ed25519_key',
    });
    expect(configError({ ...VALID, CARVE_CONSOLE_GATEWAY_PORT: '70000', CARVE_CONSOLE_SESSIONS_PER_SERVER: '0' }).problems.map((p) => p.variable)).toEqual([
      'CARVE_CONSOLE_GATEWAY_PORT',
      'CARVE_CONSOLE_SESSIONS_PER_SERVER',
    ]);
  });

  it('reports every problem at once', () => {
    const error = configError({ REDIS_URL: 'nope', PORT: 'abc', LOG_LEVEL: 'loud', CARVE_BOOTSTRAP_TOKEN: 'x', BODY_LIMIT_BYTES: '1' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['BODY_LIMIT_BYTES', 'CARVE_BOOTSTRAP_TOKEN', 'DATABASE_URL', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    for (const variable of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'LOG_LEVEL', 'CARVE_BOOTSTRAP_TOKEN', 'BODY_LIMIT_BYTES']) {
      expect(error.message).toMatch(new RegExp(`^  ${variable}: expected `, 'm'));
    }
    expect(error.message.split('\n')[0]).toBe('Invalid configuration:');
  });
});

describe('the API process with a bad environment', () => {
  it('exits non-zero at boot with the message naming each variable, and no stack trace', async () => {
    const root = resolve(__dirname, '../../..');
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
      cwd: root,
      // Only what node needs: no DATABASE_URL or REDIS_URL from the test's own environment.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: 'seventy', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('exit', (exitCode) => done(exitCode));
    });

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain('Invalid configuration:');
    expect(stderr).toMatch(/^ {2}DATABASE_URL: expected a PostgreSQL URL like postgres:\/\//m);
    expect(stderr).toMatch(/^ {2}REDIS_URL: expected a Redis URL like redis:\/\//m);
    expect(stderr).toContain('PORT: expected an integer from 1 to 65535, got "seventy"');
    expect(stderr).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, got "loud"');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('ConfigError');
  }, 60_000);
});
