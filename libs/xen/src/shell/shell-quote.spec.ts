import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellJoin, shellQuote } from './shell-quote';

function throughShell(arg: string): string {
  return execFileSync('sh', ['-c', `printf %s ${shellQuote(arg)}`]).toString('utf8');
}

describe('shellQuote', () => {
  it('leaves safe words bare', () => {
    expect(shellQuote('/dev/vg0/web1-root')).toBe('/dev/vg0/web1-root');
    expect(shellQuote('phy:/dev/vg0/x,xvdb,w')).toBe('phy:/dev/vg0/x,xvdb,w');
    expect(shellQuote('+5G')).toBe('+5G');
  });

  it('quotes empty strings and anything a shell would interpret', () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$(reboot)')).toBe("'$(reboot)'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('~root')).toBe("'~root'");
  });

  it('joins arguments into one line', () => {
    expect(shellJoin(['xl', 'list', 'my dom'])).toBe("xl list 'my dom'");
  });

  it('survives a real sh for hostile strings', () => {
    for (const s of ["'", "''", '"', '\\', '`id`', '$HOME', '\n', ' -x ', '*', '!', 'a\'b"c$d`e\\f', '\t\r']) {
      expect(throughShell(s)).toBe(s);
    }
  });

  it('round-trips arbitrary strings through sh -c printf', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', '\\', '$', '`', ' ', '\n', '*', '?', '!', '#', ';', '&', '|', '(', ')', '<', '>', '~', '{', '}', '-'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }).filter((s) => !s.includes('\0')),
        (s) => throughShell(s) === s,
      ),
      { numRuns: 150 },
    );
  });
});
