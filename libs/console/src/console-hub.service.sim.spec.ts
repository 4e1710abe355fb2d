// The hub against a real simulated Dom0 over SSH: `xl console` through the pool's execStream.
import { SshConnectionPool, xlConsoleCommand, type Dom0Target } from '@carve/xen';
import { createDomain, startSimFixture, type SimFixture } from '../../../apps/dom0-sim/src/testing/sim-client';
import { ConsoleUnavailableError, type ConsoleSession, type ConsoleViewer } from './console-hub';
import { ConsoleHubService } from './console-hub.service';
import type { ConsoleUpstreamOpener } from './console-upstream';
import { openExecConsole } from './exec-console-upstream';

const admin = (userId: string): ConsoleViewer => ({ userId, customerId: 'c1', kind: 'web', remoteAddress: '127.0.0.1', canType: true });
const viewer = (userId: string): ConsoleViewer => ({ ...admin(userId), canType: false });

/** Everything a session has shown (scrollback first), with a way to wait for text in it. */
function screen(session: ConsoleSession) {
  let text = session.scrollback.toString('utf8');
  const waiters = new Set<() => void>();
  session.onOutput((bytes) => {
    text += bytes.toString('utf8');
    for (const w of [...waiters]) w();
  });
  return {
    text: () => text,
    waitFor: (needle: string, from = 0) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (text.indexOf(needle, from) >= 0) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        void session.ended.then((e) => reject(new Error(`session ended (${e.reason}: ${e.message}) before ${needle}; screen: ${text.slice(-200)}`)));
        check();
      }),
  };
}

describe('ConsoleHubService over SSH to the simulator', () => {
  let f: SimFixture;
  let pool: SshConnectionPool;
  let hub: ConsoleHubService;
  let opened: number;
  let target: Dom0Target;

  beforeEach(async () => {
    f = await startSimFixture({ name: 'sim-hub' });
    expect((await createDomain(f.client, 'web1')).exitCode).toBe(0);
    pool = new SshConnectionPool({ commandTimeoutMs: 10_000 });
    target = { hostId: 'h1', address: '127.0.0.1', port: f.host.port, username: 'root', privateKey: f.clientKey, expectedHostKeyFingerprint: f.host.hostKeyFingerprint };
    opened = 0;
    const opener: ConsoleUpstreamOpener = {
      open: async (serverId) => {
        if (serverId === 'missing') throw new ConsoleUnavailableError(serverId, 'no such server');
        opened += 1;
        return openExecConsole(pool, target, xlConsoleCommand(serverId));
      },
    };
    hub = new ConsoleHubService(opener);
  });
  afterEach(async () => {
    hub.onModuleDestroy();
    await pool.close();
    await f.close();
  });

  it('shares one upstream between viewers, gives late joiners the screen, and lets one typist type at a time', async () => {
    const first = await hub.attach('web1', admin('u1'));
    const one = screen(first);
    await one.waitFor('web1 login: ');
    expect(first.isTypist()).toBe(true);

    const second = await hub.attach('web1', admin('u2'));
    const watcher = await hub.attach('web1', viewer('u3'));
    const two = screen(second);
    const three = screen(watcher);
    expect(opened).toBe(1);
    expect(two.text()).toContain('pyGRUB');
    expect(two.text()).toContain('web1 login: ');

    // Only the typist's keystrokes reach the console.
    expect(second.write(Buffer.from('nope\r'))).toBe(false);
    expect(watcher.write(Buffer.from('nope\r'))).toBe(false);
    expect(watcher.takeKeyboard()).toBe(false);
    const marks = [one.text().length, two.text().length, three.text().length];
    expect(first.write(Buffer.from('root\rpw\recho shared\r'))).toBe(true);
    await Promise.all([one.waitFor('shared\r\nroot@web1:~# ', marks[0]), two.waitFor('shared\r\nroot@web1:~# ', marks[1]), three.waitFor('shared\r\nroot@web1:~# ', marks[2])]);
    expect(one.text().slice(marks[0])).not.toContain('nope');
    expect(one.text().slice(marks[0])).toBe(two.text().slice(marks[1]));
    expect(two.text().slice(marks[1])).toBe(three.text().slice(marks[2]));

    // An explicit take hands the keyboard over; the old typist hears it.
    const heard: boolean[] = [];
    first.onTypist((change) => heard.push(change.isYou));
    expect(second.takeKeyboard()).toBe(true);
    expect([first.isTypist(), second.isTypist(), heard]).toEqual([false, true, [false]]);
    expect(first.write(Buffer.from('x'))).toBe(false);

    // The typist leaves: the longest-attached writer-capable viewer gets the keyboard back.
    second.close();
    expect(await second.ended).toEqual({ reason: 'closed', message: 'closed by the viewer' });
    expect(first.isTypist()).toBe(true);
    expect(heard).toEqual([false, true]);

    first.close();
    watcher.close();
    expect(hub.sessions('web1')).toEqual([]);
    // The last viewer gone, the channel closes and the domain runs on.
    await new Promise<void>((resolve) => {
      const poll = () => (pool.stats('h1')?.openChannels === 0 ? resolve() : setImmediate(poll));
      poll();
    });
    expect((await f.client.exec('xl list web1')).exitCode).toBe(0);

    // A new attach opens a new upstream, which shows the screen again.
    const again = screen(await hub.attach('web1', admin('u1')));
    await again.waitFor('echo shared');
    expect(opened).toBe(2);
  });

  it('ends every session when the upstream ends, and with `shutdown` when the hub stops', async () => {
    const a = await hub.attach('web1', admin('u1'));
    await screen(a).waitFor('login: ');
    await f.client.exec('xl destroy web1');
    expect(await a.ended).toEqual({ reason: 'upstream-ended', message: 'the console stream ended: the console detached' });

    const gone = await hub.attach('nosuch', admin('u1'));
    expect((await gone.ended).message).toBe('the console stream ended: attach to the console of domain nosuch exited 1: nosuch is an invalid domain identifier (rc=-6)');
    await expect(hub.attach('missing', admin('u1'))).rejects.toThrow(ConsoleUnavailableError);

    expect((await createDomain(f.client, 'web2')).exitCode).toBe(0);
    const b = await hub.attach('web2', viewer('u2'));
    await screen(b).waitFor('login: ');
    hub.onModuleDestroy();
    expect(await b.ended).toEqual({ reason: 'shutdown', message: 'the console service is restarting; reconnect in a moment' });
    await expect(hub.attach('web2', admin('u1'))).rejects.toThrow(ConsoleUnavailableError);
    expect((await f.client.exec('xl list web2')).exitCode).toBe(0);
  });
});
