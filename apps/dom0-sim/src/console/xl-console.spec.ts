import { Client, type ClientChannel } from 'ssh2';
import { RESCUE_DIR } from '../state/rescue-image';
import { DOMAIN_CFG, startSimFixture, type SimFixture } from '../testing/sim-client';

/** An interactive `xl console` over a real ssh2 exec channel: everything read so far, and a way to wait for text. */
interface Attached {
  channel: ClientChannel;
  text(): string;
  waitFor(needle: string | RegExp, from?: number): Promise<void>;
  exit: Promise<{ code: number | null; stderr: string }>;
}

function attach(client: Client, line: string): Promise<Attached> {
  return new Promise((resolve, reject) => {
    client.exec(line, (error, channel) => {
      if (error) return reject(error);
      let out = '';
      let stderr = '';
      let code: number | null = null;
      const waiters: Array<() => void> = [];
      channel.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        for (const w of [...waiters]) w();
      });
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      channel.on('exit', (c: number | null) => (code = c));
      const exit = new Promise<{ code: number | null; stderr: string }>((r) => channel.on('close', () => r({ code, stderr })));
      resolve({
        channel,
        text: () => out,
        exit,
        waitFor: (needle, from = 0) =>
          new Promise<void>((done, fail) => {
            const check = (): void => {
              const rest = out.slice(from);
              if (typeof needle === 'string' ? rest.includes(needle) : needle.test(rest)) {
                waiters.splice(waiters.indexOf(check), 1);
                done();
              }
            };
            waiters.push(check);
            void exit.then(() => fail(new Error(`console closed before ${String(needle)}; got: ${out.slice(-300)}`)));
            check();
          }),
      });
    });
  });
}

function connect(port: number, privateKey: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ host: '127.0.0.1', port, username: 'root', privateKey });
  });
}

describe('simulated Dom0: xl console', () => {
  let f: SimFixture;
  let ssh: Client;
  beforeEach(async () => {
    f = await startSimFixture({ name: 'sim-console' });
    for (const lv of ['web1-root-a', 'web1-root-b']) await f.client.exec(`lvcreate -n ${lv} -L 10G vg0`);
    const cfg = DOMAIN_CFG('web1').replace(`'phy:/dev/vg0/web1-root,xvda,w'`, `'phy:/dev/vg0/web1-root-b,xvda,w', 'phy:/dev/vg0/web1-root-a,xvdb,w'`);
    await f.client.exec('cat > /etc/xen/web1.cfg', cfg);
    // Both roots hold an OS, as carve's install leaves them; pygrub boots without waiting (GRUB_TIMEOUT=0).
    for (const [name, pretty] of [['web1-root-a', 'Debian GNU/Linux 12 (bookworm)'], ['web1-root-b', 'Debian GNU/Linux 13 (trixie)']] as const) {
      const lv = f.host.state.vg.lvs.find((l) => l.name === name)!;
      lv.filesystem = { type: 'ext4', uuid: `uuid-${name}`, sizeBytes: lv.sizeBytes, options: [], files: { '/etc/os-release': `PRETTY_NAME="${pretty}"\nID=debian\n`, '/etc/hostname': 'web1.example\n', '/boot/grub/grub.cfg': 'set timeout=0\n' }, dirs: ['/etc', '/boot', '/boot/grub'] };
    }
    expect((await f.client.exec('xl create /etc/xen/web1.cfg')).exitCode).toBe(0);
    ssh = await connect(f.host.port, f.clientKey);
  });
  afterEach(async () => {
    ssh.end();
    await f.close();
  });

  it('shows pygrub with both roots, the boot log and a login prompt, and answers typed commands', async () => {
    const con = await attach(ssh, 'xl console web1');
    await con.waitFor('web1.example login: ');
    const screen = con.text();
    expect(screen).toContain('pyGRUB  version 0.6');
    expect(screen).toContain('Debian GNU/Linux 13 (trixie), with Linux 6.1.0-28-amd64 (root on xvda)');
    expect(screen).toContain('Debian GNU/Linux 12 (bookworm), with Linux 6.1.0-28-amd64 (root on xvdb)');
    expect(screen).toContain('Command line: root=/dev/xvda ro console=hvc0');
    expect(screen.indexOf('pyGRUB')).toBeLessThan(screen.indexOf('Linux version'));

    let mark = con.text().length;
    con.channel.write('root\r');
    await con.waitFor('Password: ', mark);
    mark = con.text().length;
    con.channel.write('secret\r');
    await con.waitFor('root@web1.example:~# ', mark);
    expect(con.text().slice(mark)).not.toContain('secret');

    mark = con.text().length;
    con.channel.write('cat /etc/os-release\r');
    await con.waitFor(/trixie.*\r\nroot@web1\.example:~# $/s, mark);
    mark = con.text().length;
    con.channel.write('uname -a\rhostname\recho hello  console\rls\r');
    await con.waitFor('-bash: ls: command not found\r\nroot@web1.example:~# ', mark);
    expect(con.text().slice(mark)).toContain('Linux web1.example 6.1.0-28-amd64 #1 SMP');
    expect(con.text().slice(mark)).toContain('hostname\r\nweb1.example\r\n');
    expect(con.text().slice(mark)).toContain('echo hello  console\r\nhello console\r\n');

    mark = con.text().length;
    con.channel.write('exit\r');
    await con.waitFor('logout\r\n\r\nweb1.example login: ', mark);
    con.channel.write('\x1d');
    expect(await con.exit).toEqual({ code: 0, stderr: '' });
    // Detaching leaves the domain running.
    expect((await f.client.exec('xl list web1')).exitCode).toBe(0);
  });

  it('gives a second attach the current screen and both the same bytes after', async () => {
    const first = await attach(ssh, 'xl console web1');
    await first.waitFor('login: ');
    first.channel.write('root\rx\r');
    await first.waitFor('root@web1.example:~# ');
    const second = await attach(ssh, 'xl console -t pv web1');
    await second.waitFor('root@web1.example:~# ');
    expect(second.text()).toContain('pyGRUB');
    const [m1, m2] = [first.text().length, second.text().length];
    second.channel.write('echo from-second\r');
    await first.waitFor('from-second\r\nroot@web1.example:~# ', m1);
    await second.waitFor('from-second\r\nroot@web1.example:~# ', m2);
    expect(first.text().slice(m1)).toBe(second.text().slice(m2));
    first.channel.close();
    second.channel.close();
    await Promise.all([first.exit, second.exit]);
  });

  it('waits at pygrub for a pick with timeout -1, boots the root picked, and shows it mounted as /', async () => {
    const xvdaRoot = f.host.state.vg.lvs.find((l) => l.name === 'web1-root-b')!;
    xvdaRoot.filesystem!.files['/boot/grub/grub.cfg'] = 'set timeout=-1\n';
    expect((await f.client.exec('xl reboot web1')).exitCode).toBe(0);
    const con = await attach(ssh, 'xl console web1');
    await con.waitFor('(root on xvdb)');
    expect(con.text()).not.toContain('Will boot selected entry');
    expect(con.text()).not.toContain('login:');
    con.channel.write('\x1b[B');
    await con.waitFor('\x1b[7m Debian GNU/Linux 12 (bookworm)');
    const mark = con.text().length;
    con.channel.write('\r');
    await con.waitFor('web1.example login: ', mark);
    expect(con.text().slice(mark)).toContain('Command line: root=/dev/xvdb ro console=hvc0\r\n');
    con.channel.write('root\rpw\r');
    await con.waitFor('root@web1.example:~# ', mark);
    const shell = con.text().length;
    con.channel.write('cat /proc/cmdline\rfindmnt /\rcat /etc/os-release\r');
    await con.waitFor(/PRETTY_NAME[^\r]*\r\nID=debian\r\nroot@web1\.example:~# $/, shell);
    const out = con.text().slice(shell);
    expect(out).toContain('cat /proc/cmdline\r\nroot=/dev/xvdb ro console=hvc0\r\n');
    expect(out).toMatch(/\r\n\/ +\/dev\/xvdb +ext4 +rw,relatime\r\n/);
    expect(out).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"');
    con.channel.close();
    await con.exit;
  });

  it('shows no pygrub menu for a direct kernel boot, and the kernel command line it was given', async () => {
    await f.client.exec('xl destroy web1');
    const cfg = (await f.client.exec('cat /etc/xen/web1.cfg')).stdout
      .replace('bootloader = "pygrub"', `kernel = "${RESCUE_DIR}/vmlinuz"\nramdisk = "${RESCUE_DIR}/initrd.img"\ncmdline = "boot=live console=hvc0"`);
    await f.client.exec('cat > /etc/xen/web1.cfg', cfg);
    const created = await f.client.exec('xl create /etc/xen/web1.cfg');
    expect(created.exitCode).toBe(0);
    const con = await attach(ssh, 'xl console web1');
    await con.waitFor('login: ');
    expect(con.text()).not.toContain('pyGRUB');
    expect(con.text()).toContain('Command line: boot=live console=hvc0\r\n');
    con.channel.close();
    await con.exit;
  });

  it('ends when the domain goes, and names a missing domain as xl does', async () => {
    const con = await attach(ssh, 'xl console web1');
    await con.waitFor('login: ');
    await f.client.exec('xl destroy web1');
    expect((await con.exit).code).toBe(0);

    const missing = await attach(ssh, 'xl console nosuch');
    expect(await missing.exit).toEqual({ code: 1, stderr: 'nosuch is an invalid domain identifier (rc=-6)\n' });
    const usage = await attach(ssh, 'xl console');
    expect((await usage.exit).code).toBe(2);
  });
});
