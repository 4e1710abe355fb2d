import { InvalidInputError } from '@carve/core';
import { ioWindow } from './io-impact.window';

const NOW = Date.UTC(2026, 10, 10, 12, 0, 30);
const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return (error.extensions.fields ?? [])[0]?.field;
    throw error;
  }
  return undefined;
};

describe('ioWindow', () => {
  it('defaults to the last 24 hours in one-minute steps', () => {
    const w = ioWindow({}, NOW, 48);
    expect(w.stepMs).toBe(60_000);
    expect(w.to).toBe(Date.UTC(2026, 10, 10, 12, 1));
    expect(w.from).toBe(Date.UTC(2026, 10, 9, 12, 0));
  });

  it('keeps a default from within retention', () => {
    expect(ioWindow({ to: '2026-11-09T00:00:00Z' }, NOW, 48).from).toBe(Date.UTC(2026, 10, 8, 12, 0));
  });

  it('takes coarser steps for longer windows', () => {
    expect(ioWindow({ from: '2026-11-08T13:00:00Z' }, NOW, 48).stepMs).toBe(120_000);
  });

  it.each([
    [{ from: 'yesterday' }, 'query.from'],
    [{ to: '2026-11-10' }, 'query.to'],
    [{ from: '2026-11-10T10:00:00Z', to: '2026-11-10T09:00:00Z' }, 'query.to'],
    [{ from: '2026-11-11T00:00:00Z' }, 'query.from'],
    [{ from: '2026-11-10T00:00:00Z', to: '2026-11-12T00:00:00Z' }, 'query.to'],
    [{ from: '2026-11-01T00:00:00Z' }, 'query.from'],
    [{ from: '2026-02-30T00:00:00Z' }, 'query.from'],
    [{ to: '2026-11-07T00:00:00Z' }, 'query.to'],
  ])('refuses %j naming %s', (query, field) => {
    expect(fieldOf(() => ioWindow(query, NOW, 48))).toBe(field);
  });
});
