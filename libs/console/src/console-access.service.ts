import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@carve/core';
import { ALLOWED_ACTIONS, ServerRepository, type ServerState } from '@carve/servers';
import { scopeOf, TokenService, type Actor } from '@carve/tenancy';
import { ConsoleTicketRefusedError, ConsoleTicketService, type IssuedConsoleTicket } from './console-ticket.service';

export interface ConsoleTicketView extends IssuedConsoleTicket {
  readonly serverId: string;
  /** Where to open the WebSocket (relative to the API's origin). */
  readonly url: string;
  /** Whether this user may hold the keyboard; viewers watch read-only. */
  readonly canType: boolean;
}

/** Who opened a console connection, once the ticket checked out. */
export interface ConsoleOpener {
  readonly actor: Actor;
  readonly canType: boolean;
}

/** Customer admins and operators may type; customer viewers watch. */
export const canTypeAt = (actor: Pick<Actor, 'role'>): boolean => actor.role !== 'viewer';

/** The state machine says where a console is: a running server, and one in rescue (the rescue system's console). */
function hasConsole(state: ServerState): boolean {
  return ALLOWED_ACTIONS[state].includes('console');
}

/** The rules around opening a console: who may, with which ticket, at which server. */
@Injectable()
export class ConsoleAccessService {
  constructor(
    private readonly servers: ServerRepository,
    private readonly tickets: ConsoleTicketService,
    private readonly tokens: TokenService,
  ) {}

  async issueTicket(actor: Actor, serverId: string): Promise<ConsoleTicketView> {
    const server = await this.servers.findInScope(scopeOf(actor), serverId);
    if (!server) throw new NotFoundError('server', serverId);
    if (!hasConsole(server.state)) throw new ConflictError('server_not_running', `The server is ${server.state}; its console is there while it runs. Start it first.`, { state: server.state });
    const issued = await this.tickets.issue(actor, server.id);
    return { ...issued, serverId: server.id, url: `/v1/servers/${server.id}/console?ticket=${encodeURIComponent(issued.ticket)}`, canType: canTypeAt(actor) };
  }

  /**
   * Checks a WebSocket's ticket for the server in its URL: used up either way; a server the
   * ticket's user cannot see is a 404 exactly like a missing one; the token it was issued
   * through must still work; a caller that also sends a bearer token must be the same user.
   */
  async redeem(serverId: string, ticket: string, bearerActor?: Actor): Promise<ConsoleOpener> {
    const grant = await this.tickets.redeem(ticket);
    const actor: Actor = { userId: grant.userId, tokenId: grant.tokenId, customerId: grant.customerId, role: grant.role };
    const server = await this.servers.findInScope(scopeOf(actor), serverId);
    if (!server) throw new NotFoundError('server', serverId);
    if (grant.serverId !== server.id) throw new ConsoleTicketRefusedError('The console ticket is for another server.');
    if (bearerActor && bearerActor.userId !== grant.userId) throw new ConsoleTicketRefusedError('The console ticket belongs to another user.');
    await this.tokens.assertStillValid(actor);
    if (!hasConsole(server.state)) throw new ConflictError('server_not_running', `The server is ${server.state}; its console is there while it runs.`, { state: server.state });
    return { actor, canType: canTypeAt(actor) };
  }
}
