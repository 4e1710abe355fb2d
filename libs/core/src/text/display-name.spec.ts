import { displayNameProblem } from './display-name';

const rule = { maxLength: 20 };

describe('displayNameProblem', () => {
  it.each(['Ada Admin', 'Zoë Ørsted', '山田 太郎', 'ci deploys (2027)', 'O\'Brien & Sons', 'web-1.prod', '🚀 launch'])('accepts %j', (name) => {
    expect(displayNameProblem(name, rule)).toBeUndefined();
  });

  it.each([
    ['a newline', 'ada\nadmin'],
    ['a tab', 'ada\tadmin'],
    ['an ANSI escape', '\u001b[31mred'],
    ['BEL', 'ding\u0007'],
    ['a bidi override', 'evil\u202Etxt.exe'],
    ['a zero-width space', 'ad\u200Ba'],
    ['a BOM', '\uFEFFada'],
    ['a lone surrogate', 'ada\uD800'],
    ['a no-break space', 'ada\u00A0admin'],
    ['a Hangul filler', '\u3164'],
    ['only spaces', '   '],
    ['a leading space', ' ada'],
    ['a trailing space', 'ada '],
    ['the empty string', ''],
    ['too many characters', 'a'.repeat(21)],
    ['a leading combining mark', '\u0301ada'],
    ['a private-use character', 'ada\uE000'],
  ])('refuses %s', (_what, name) => {
    expect(displayNameProblem(name, rule)).toEqual(expect.any(String));
  });

  it('counts characters, not UTF-16 units', () => {
    expect(displayNameProblem('😀'.repeat(20), rule)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(displayNameProblem(42, rule)).toBe('must be a string');
  });
});
