import { parseCommandList, parseShellWords } from './shell-words';

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

describe('parseCommandList', () => {
  const list = (line: string) => {
    const r = parseCommandList(line);
    if (!r.ok) throw new Error(r.stderr);
    return r.commands;
  };

  it('splits on unquoted `;` only, with or without spaces, a trailing `;` allowed', () => {
    expect(list('date +%s.%N; echo @@xl-list;xl list ;').map((c) => c.words)).toEqual([['date', '+%s.%N'], ['echo', '@@xl-list'], ['xl', 'list']]);
    expect(list(`echo 'a;b' "c;d" e\\;f`).map((c) => c.words)).toEqual([['echo', 'a;b', 'c;d', 'e;f']]);
    expect(list("lvs --separator '|' -o lv_name vg0; pvs").map((c) => c.words)).toEqual([['lvs', '--separator', '|', '-o', 'lv_name', 'vg0'], ['pvs']]);
    expect(list('cat > /tmp/x; echo done')).toEqual([{ env: {}, words: ['cat'], redirectOut: '/tmp/x' }, { env: {}, words: ['echo', 'done'] }]);
    expect(list('echo a; # echo b; echo c').map((c) => c.words)).toEqual([['echo', 'a']]);
  });

  it('refuses what bash refuses and what the simulator does not evaluate', () => {
    expect(parseCommandList('; echo a')).toEqual({ ok: false, exitCode: 2, stderr: "bash: -c: line 1: syntax error near unexpected token `;'\n" });
    expect(parseCommandList('echo a; ; echo b')).toMatchObject({ ok: false, exitCode: 2 });
    expect(parseCommandList('echo a;; echo b')).toEqual({ ok: false, exitCode: 2, stderr: "bash: -c: line 1: syntax error near unexpected token `;;'\n" });
    for (const line of ['xl list | head', 'a && b', 'a || b', 'sleep 1 &', 'echo $(id)', 'echo `id`']) expect(parseCommandList(line).ok).toBe(false);
  });

  it('marks unquoted * and ? as pathname patterns; quoted or escaped ones stay literal', () => {
    const [cmd] = list(`grep -H . /sys/class/block/*/stat '/sys/a*' /sys/b\\* "/sys/c*"/d* /sys/vif?.0`);
    expect(cmd.words).toEqual(['grep', '-H', '.', '/sys/class/block/*/stat', '/sys/a*', '/sys/b*', '/sys/c*/d*', '/sys/vif?.0']);
    const globs = (cmd.globs ?? []).map((g) => (g === undefined ? undefined : new RegExp(g)));
    expect(globs.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(globs[3]?.test('/sys/class/block/dm-0/stat')).toBe(true);
    expect(globs[3]?.test('/sys/class/block/a/b/stat')).toBe(false);
    expect(globs[4]).toBeUndefined();
    expect(globs[5]).toBeUndefined();
    expect(globs[6]?.test('/sys/c*/dx')).toBe(true);
    expect(globs[6]?.test('/sys/cx/dx')).toBe(false);
    expect(globs[7]?.test('/sys/vif1.0')).toBe(true);
    expect(globs[7]?.test('/sys/vif10.0')).toBe(false);
    expect(list('xl list')[0].globs).toBeUndefined();
  });
});
