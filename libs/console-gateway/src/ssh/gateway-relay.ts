import type { ServerChannel } from 'ssh2';
import { ConsoleSession, ConsoleUnavailableError } from '@carve/console';
import { CarveError } from '@carve/core';
import { ConsoleSessionPolicy } from '../sessions/console-session-policy';
import { GATEWAY_HELP, GatewayEscapeReader } from './gateway-escape';
import type { GatewayLogin } from './gateway-logins';

/** A line from the gateway itself, told apart from the console's output. */
function notice(text: string): string {
  return `\r\n[carve] ${text}\r\n`;
}

/** What the client sent as a login name, shown back without control characters (it is their terminal, but still). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

/**
 * One SSH shell channel relayed to a console session: the banner, the scrollback, then
 * output to the client and keystrokes (minus the gateway's escapes) to the console while
 * this session holds the keyboard. Ends the channel when the session ends and the session
 * when the channel closes; the domain is never touched either way.
 */
export async function relayConsole(channel: ServerChannel, login: GatewayLogin, loginName: string, remoteAddress: string, policy: ConsoleSessionPolicy): Promise<void> {
  const finish = (code: number) => {
    channel.exit(code);
    channel.end();
  };
  if (!login.server) {
    // The same words for a server that does not exist and for another account's.
    channel.write(`[carve] There is no server "${printable(loginName)}" in your account. Log in as SERVERNAME@ or SERVER-ID@ this gateway.\r\n`);
    return finish(1);
  }
  const server = login.server;
  const canType = login.owner.role !== 'viewer';
  let session: ConsoleSession;
  try {
    session = await policy.open({
      server,
      viewer: { userId: login.owner.userId, customerId: login.owner.customerId, kind: 'ssh', remoteAddress, canType },
      sshKey: { id: login.owner.key.id, fingerprint: login.owner.key.fingerprint },
    });
  } catch (error) {
    if (!(error instanceof CarveError || error instanceof ConsoleUnavailableError)) throw error;
    const why = error instanceof CarveError ? error.detail : `The console of ${server.name} cannot be opened now (is the server running?).`;
    channel.write(`[carve] ${why}\r\n`);
    return finish(1);
  }

  let closing = false;
  channel.write(`[carve] Console of ${server.name} (${server.id})${canType ? '' : ', read-only (viewer)'}. ${GATEWAY_HELP}.\r\n`);
  channel.write(session.scrollback);
  session.onOutput((bytes) => {
    if (!closing) channel.write(bytes);
  });
  // A reboot: the hub keeps the session and re-attaches; the customer hears both halves.
  session.onUpstream((change) => {
    if (!closing) channel.write(notice(change.message));
  });
  session.onTypist((change) => {
    if (closing || !canType) return;
    channel.write(notice(change.isYou ? 'You have the keyboard.' : 'Someone else has the keyboard now; Ctrl-] then k takes it back.'));
  });
  let toldNotTypist = false;
  const escapes = new GatewayEscapeReader();
  channel.on('data', (chunk: Buffer) => {
    for (const action of escapes.read(chunk)) {
      if (action.kind === 'quit') {
        closing = true;
        session.close();
        return;
      }
      if (action.kind === 'help') channel.write(notice(GATEWAY_HELP));
      if (action.kind === 'take-keyboard') {
        toldNotTypist = false;
        if (!session.takeKeyboard()) channel.write(notice('This console is read-only for you (viewer).'));
      }
      if (action.kind === 'send' && !session.write(action.bytes) && !toldNotTypist) {
        toldNotTypist = true;
        channel.write(notice(canType ? 'Someone else has the keyboard; Ctrl-] then k takes it.' : 'This console is read-only for you (viewer); what you type is not sent.'));
      }
    }
  });
  // EOF from the client (its stdin closed, `ssh -T` piped) ends the session as a close does; so does a broken
  // channel (an 'error' without a listener would take the whole API process down).
  const hangUp = () => {
    closing = true;
    session.close();
  };
  channel.on('end', hangUp);
  channel.on('close', hangUp);
  channel.on('error', hangUp);
  const ended = await session.ended;
  if (ended.reason !== 'closed') channel.write(notice(`Console closed: ${ended.message}`));
  closing = true;
  finish(ended.reason === 'closed' ? 0 : 1);
}
