import { parseShellWords } from './shell-words';

describe('parseShellWords', () => {
  const words = (line: string) => {
    const r = parseShellWords(line);
    if (!r.ok) throw new Error(r.stderr);
    return r.command;
  };

  it('splits words with quotes and escapes as a shell would', () => {
    expect(words(`xl block-attach web1 'phy:/dev/vg0/web1-data,xvdb,w'`).words).toEqual(['xl', 'block-attach', 'web1', 'phy:/dev/vg0/web1-data,xvdb,w']);
    expect(words(`echo "a \\"b\\" \\$c" d\\ e 'it'\\''s'`).words).toEqual(['echo', 'a "b" $c', 'd e', "it's"]);
  });

  it('reads `cat > PATH` as a redirect', () => {
    expect(words('cat > /etc/xen/web1.cfg')).toEqual({ env: {}, words: ['cat'], redirectOut: '/etc/xen/web1.cfg' });
    expect(words("cat >'/etc/xen/a b.cfg'").redirectOut).toBe('/etc/xen/a b.cfg');
  });

  it('takes leading assignments as environment', () => {
    expect(words('LC_ALL=C xl list').env).toEqual({ LC_ALL: 'C' });
  });

  it('never evaluates: lists, pipes and substitutions are refused', () => {
    for (const line of ['xl list; rm -f /x', 'xl list | head', 'echo $(id)', 'echo `id`', 'a && b', 'echo "$(id)"']) {
      const r = parseShellWords(line);
      expect(r.ok).toBe(false);
    }
  });

  it('reports an unterminated quote like bash', () => {
    const r = parseShellWords("echo 'oops");
    expect(r).toEqual({ ok: false, exitCode: 2, stderr: "bash: -c: line 1: unexpected EOF while looking for matching `''\n" });
  });
});
