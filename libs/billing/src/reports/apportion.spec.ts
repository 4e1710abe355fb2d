import { Rational } from '../rules/rational';
import { apportion } from './apportion';

describe('apportion', () => {
  it('splits 100 minor units in thirds that add up to 100', () => {
    const third = Rational.of(100n, 3n);
    const out = apportion(new Map([['a', third], ['b', third], ['c', third]]));
    expect([...out.values()].reduce((s, v) => s + v, 0n)).toBe(100n);
    expect(out).toEqual(new Map([['a', 34n], ['b', 33n], ['c', 33n]]));
  });

  it('gives the extra unit to the largest fraction and keeps whole shares whole', () => {
    const out = apportion(new Map([['a', Rational.of(1001n, 10n)], ['b', Rational.of(1009n, 10n)], ['c', Rational.of(50n)]]));
    expect(out).toEqual(new Map([['a', 100n], ['b', 101n], ['c', 50n]]));
  });

  it('answers nothing for nothing', () => {
    expect(apportion(new Map())).toEqual(new Map());
  });
});
