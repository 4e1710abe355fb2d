// The hub against a real simulated Dom0 over SSH: `xl console` and `xl list` through the Dom0 agent.
import { generateEd25519KeyPair } from '@carve/dom0-sim';
import { agentExecutorFor, Dom0Client, SshConnectionPool, xlConsoleCommand, type Dom0Target } from '@carve/xen';
import { createDomain, startSimFixture, type SimFixture } from '../../../apps/dom0-sim/src/testing/sim-client';
import { ConsoleUnavailableError, type ConsoleSession, type ConsoleViewer, type UpstreamChange } from './console-hub';
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
  /** What carve's inventory would say: the server now lives on another host. */
  let moved: boolean;

  beforeEach(async () => {
    // carve's key reaches only the agent, as on a real Dom0: the console and `xl list` go through it.
    const carveKey = generateEd25519KeyPair();
    f = await startSimFixture({ name: 'sim-hub', authorizedKeys: [carveKey.public] });
    expect((await createDomain(f.client, 'web1')).exitCode).toBe(0);
    pool = new SshConnectionPool({ commandTimeoutMs: 10_000 });
    target = { hostId: 'h1', address: '127.0.0.1', port: f.host.port, username: 'root', privateKey: carveKey.private, expectedHostKeyFingerprint: f.host.hostKeyFingerprint };
    opened = 0;
    moved = false;
    const opener: ConsoleUpstreamOpener = {
      open: async (serverId) => {
        if (serverId === 'missing') throw new ConsoleUnavailableError(serverId, 'no such server');
        opened += 1;
        return openExecConsole(agentExecutorFor(pool), target, xlConsoleCommand(serverId));
      },
      // As Dom0ConsoleOpener looks: `xl list` through the agent on the console's host.
      locate: async (serverId, hostId) => {
        if (moved || hostId !== target.hostId) return { kind: 'gone', message: 'the server moved to another host; open its console again' };
        return (await new Dom0Client(pool, target).domainByName(serverId)) ? { kind: 'running' } : { kind: 'absent' };
      },
    };
    // A short grace keeps the "never came back" case quick; the reboot case does not depend on it.
    hub = new ConsoleHubService(opener, { graceMs: 1500, pollMs: 100 });
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
    expect(await a.ended).toEqual({ reason: 'upstream-ended', message: 'the console stream ended: the console detached; the domain did not come back within 1.5 s' });

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

  it('keeps the session across a reboot: one upstream at a time, a status for the viewers, then the new boot from pygrub', async () => {
    const a = await hub.attach('web1', admin('u1'));
    const b = await hub.attach('web1', viewer('u2'));
    const one = screen(a);
    const two = screen(b);
    const heard: UpstreamChange[] = [];
    a.onUpstream((change) => heard.push(change));
    await one.waitFor('web1 login: ');
    await two.waitFor('web1 login: ');
    const [markA, markB] = [one.text().length, two.text().length];
    const dom0 = new Dom0Client(pool, target);
    const before = (await dom0.domainByName('web1'))!.domid;

    expect(await dom0.rebootDomain('web1')).toMatchObject({ rebooted: true });
    await Promise.all([one.waitFor('pyGRUB', markA), two.waitFor('pyGRUB', markB)]);
    await one.waitFor('web1 login: ', markA);
    expect(hub.sessions('web1')).toHaveLength(2);
    expect(heard.map((h) => h.state)).toEqual(['restarting', 'reattached']);
    expect(heard[1]!.message).toBe('Domain restarted, console re-attached.');
    expect(a.upstreamState()).toBe('attached');
    expect(opened).toBe(2);
    expect(pool.stats('h1')?.openChannels).toBe(1);
    expect((await dom0.domainByName('web1'))!.domid).not.toBe(before);

    // The typist still types, into the new boot.
    const mark = one.text().length;
    expect(a.write(Buffer.from('root\rpw\recho after-reboot\r'))).toBe(true);
    await Promise.all([one.waitFor('after-reboot\r\nroot@web1:~# ', mark), two.waitFor('after-reboot\r\nroot@web1:~# ', markB)]);
    a.close();
    b.close();
  });

  it('lets a viewer leave while the domain is away, and opens nothing for a channel nobody watches', async () => {
    const a = await hub.attach('web1', admin('u1'));
    await screen(a).waitFor('web1 login: ');
    const restarting = new Promise<UpstreamChange>((resolve) => a.onUpstream(resolve));
    await f.client.exec('xl destroy web1');
    expect((await restarting).state).toBe('restarting');
    expect(a.upstreamState()).toBe('restarting');
    a.close();
    expect(await a.ended).toEqual({ reason: 'closed', message: 'closed by the viewer' });
    expect(hub.sessions()).toEqual([]);
    expect((await createDomain(f.client, 'web1')).exitCode).toBe(0);
    // A new attach gets a channel of its own: the abandoned wait re-attached nothing.
    const again = await hub.attach('web1', admin('u1'));
    await screen(again).waitFor('web1 login: ');
    expect(opened).toBe(2);
    expect(pool.stats('h1')?.openChannels).toBe(1);
    again.close();
  });

  it('ends the sessions with the reason when the server is now on another host, without waiting out the grace', async () => {
    const a = await hub.attach('web1', admin('u1'));
    await screen(a).waitFor('web1 login: ');
    moved = true;
    await f.client.exec('xl destroy web1');
    expect(await a.ended).toEqual({ reason: 'upstream-ended', message: 'the console stream ended: the server moved to another host; open its console again' });
    expect(opened).toBe(1);
    expect(hub.sessions()).toEqual([]);
  });
});
