import { GatewayEscapeReader } from './gateway-escape';

const b = (s: string) => Buffer.from(s, 'latin1');
const sent = (actions: ReturnType<GatewayEscapeReader['read']>) => actions.map((a) => (a.kind === 'send' ? `send:${a.bytes.toString('latin1')}` : a.kind));

describe('GatewayEscapeReader', () => {
  it('passes ordinary typing through in one piece', () => {
    expect(sent(new GatewayEscapeReader().read(b('ls -l\r')))).toEqual(['send:ls -l\r']);
  });

  it('reads Ctrl-] q as leaving, dropping what follows it in the chunk', () => {
    expect(sent(new GatewayEscapeReader().read(b('ab\x1dqcd')))).toEqual(['send:ab', 'quit']);
    expect(sent(new GatewayEscapeReader().read(b('\x1d.')))).toEqual(['quit']);
  });

  it('takes the keyboard on Ctrl-] k and shows help on Ctrl-] ?, typing around them kept', () => {
    expect(sent(new GatewayEscapeReader().read(b('x\x1dky\x1d?z')))).toEqual(['send:x', 'take-keyboard', 'send:y', 'help', 'send:z']);
  });

  it('carries an escape split across chunks', () => {
    const reader = new GatewayEscapeReader();
    expect(sent(reader.read(b('a\x1d')))).toEqual(['send:a']);
    expect(sent(reader.read(b('q')))).toEqual(['quit']);
  });

  it('never passes Ctrl-] on (xl console would detach): Ctrl-] Ctrl-] and an unknown escape type nothing', () => {
    const reader = new GatewayEscapeReader();
    expect(sent(reader.read(b('\x1d\x1d')))).toEqual([]);
    expect(sent(reader.read(b('\x1dxy')))).toEqual(['send:y']);
  });
});
