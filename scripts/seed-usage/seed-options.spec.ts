import { describe, expect, it } from '@jest/globals';
import { DEFAULTS, parseSeedArgs, SeedOptionsError } from './seed-options';

const NOW = Date.UTC(2026, 5, 1, 12, 34, 56);
const ID = '0b6c6c53-3f0e-4d43-9a4b-2f3c2e1d7a10';

function options(argv: string[]) {
  const command = parseSeedArgs(argv, NOW);
  if (command.help) throw new Error('expected options, got --help');
  return command.options;
}

describe('parseSeedArgs', () => {
  it('fills in defaults', () => {
    expect(options([])).toEqual({ servers: DEFAULTS.servers, days: DEFAULTS.days, end: undefined, customer: undefined, serverIds: [], seed: 1, batchSpans: 2000, concurrency: 2, profiles: new Map(), poolsFromStart: false });
  });

  it('reads every option', () => {
    expect(options(['--servers', '100', '--days', '365', '--end', '2026-03-01T08:45+01:00', '--customer', ' Acme GmbH ', '--seed', '7', '--batch', '5000', '--concurrency', '4'])).toEqual({
      servers: 100,
      days: 365,
      end: Date.UTC(2026, 2, 1, 7),
      customer: 'Acme GmbH',
      serverIds: [],
      seed: 7,
      batchSpans: 5000,
      concurrency: 4,
      profiles: new Map(),
      poolsFromStart: false,
    });
    expect(options(['--end', '2026-03-01']).end).toBe(Date.UTC(2026, 2, 1));
  });

  it('takes repeated --server ids as the servers to seed', () => {
    const other = '9c3e7a10-1111-4222-8333-444455556666';
    expect(options(['--server', ID, '--server', other.toUpperCase(), '--server', ID])).toMatchObject({ servers: 2, serverIds: [ID, other] });
  });

  it('takes chosen profiles by server id, and --pools-from-start', () => {
    const parsed = options(['--server', ID, '--profile', `${ID.toUpperCase()}=io-heavy`, '--pools-from-start']);
    expect(parsed).toMatchObject({ profiles: new Map([[ID, 'io-heavy']]), poolsFromStart: true });
  });

  it('answers --help and -h', () => {
    expect(parseSeedArgs(['--help'])).toEqual({ help: true });
    expect(parseSeedArgs(['-h', '--days', 'x'])).toEqual({ help: true });
  });

  it.each([
    [['--servers', '0'], /--servers is "0"; give a whole number from 1/],
    [['--days', '1.5'], /--days is "1.5"/],
    [['--days', '401'], /from 1 to 400/],
    [['--end', '2026-03-01T08:00'], /with its zone/],
    [['--end', '2026-02-30'], /--end is "2026-02-30"/],
    [['--end', 'yesterday'], /--end is "yesterday"/],
    [['--end', '2026-06-01T13:00Z'], /in the future/],
    [['--server', 'web1'], /"web1" is not a server id/],
    [['--server', ID, '--servers', '3'], /leave out --servers and --customer/],
    [['--server', ID, '--customer', 'Acme'], /leave out --servers and --customer/],
    [['--customer', ' '], /needs a customer name/],
    [['--profile', `${ID}=noisy`], /is not SERVER_ID=PROFILE/],
    [['--profile', 'web1=idle'], /is not SERVER_ID=PROFILE/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['extra'], /positional/i],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSeedArgs(argv, NOW)).toThrow(SeedOptionsError);
    expect(() => parseSeedArgs(argv, NOW)).toThrow(message);
  });

  it('accepts the start of the current hour as the end, the latest allowed', () => {
    expect(options(['--end', '2026-06-01T12:59:59Z']).end).toBe(Date.UTC(2026, 5, 1, 12));
  });
});
