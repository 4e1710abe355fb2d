import { Scrollback } from './scrollback';

describe('Scrollback', () => {
  it('keeps the last bytes up to its limit, across chunk boundaries', () => {
    const s = new Scrollback(5);
    s.append(Buffer.from('abc'));
    expect(s.snapshot().toString()).toBe('abc');
    s.append(Buffer.from('defg'));
    expect(s.snapshot().toString()).toBe('cdefg');
    s.append(Buffer.from('0123456789'));
    expect(s.snapshot().toString()).toBe('56789');
    s.append(Buffer.alloc(0));
    s.append(Buffer.from('x'));
    expect(s.snapshot().toString()).toBe('6789x');
  });
});
