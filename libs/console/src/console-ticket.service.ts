import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CarveError, Clock } from '@carve/core';
import { RedisConnection } from '@carve/redis';
import type { Actor, UserRole } from '@carve/tenancy';

/** A ticket is good for this long after it is issued, and for one connection. */
export const CONSOLE_TICKET_TTL_MS = 60_000;
const TICKET_PREFIX = 'ct_';

/** What a ticket stands for: one user, through one token, at one server. */
export interface ConsoleTicketGrant {
  readonly serverId: string;
  readonly userId: string;
  readonly tokenId: string;
  readonly customerId: string | null;
  readonly role: UserRole;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface IssuedConsoleTicket {
  /** Shown once; only its hash is stored. */
  readonly ticket: string;
  readonly expiresAt: Date;
}

/** A ticket that does not open the console: unknown, used, expired, for another server or user. */
export class ConsoleTicketRefusedError extends CarveError {
  constructor(detail: string) {
    super('console_ticket_refused', 401, 'Console ticket refused', `${detail} Ask for a new one at POST /v1/servers/{id}/console-tickets.`);
  }
}

const hashOf = (ticket: string): string => createHash('sha256').update(ticket).digest('hex');

/**
 * Single-use console tickets in Redis, stored under the SHA-256 of the ticket (a Redis dump
 * holds nothing that opens a console). Redeeming takes the key with GETDEL, so of two
 * connections racing with one ticket exactly one gets it. Expiry is checked against the
 * Clock; Redis's own TTL only clears what nobody redeemed.
 */
@Injectable()
export class ConsoleTicketService {
  constructor(
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  async issue(actor: Actor, serverId: string): Promise<IssuedConsoleTicket> {
    const ticket = `${TICKET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = this.clock.now().getTime() + CONSOLE_TICKET_TTL_MS;
    const grant: ConsoleTicketGrant = { serverId, userId: actor.userId, tokenId: actor.tokenId, customerId: actor.customerId, role: actor.role, expiresAt };
    await this.redis.client.set(this.key(ticket), JSON.stringify(grant), 'PX', CONSOLE_TICKET_TTL_MS + 5_000);
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** Uses the ticket up and says whom it was for; refuses an unknown, used or expired one. */
  async redeem(ticket: string): Promise<ConsoleTicketGrant> {
    if (!ticket.startsWith(TICKET_PREFIX) || ticket.length > 100) throw new ConsoleTicketRefusedError('The console ticket is malformed.');
    const stored = await this.redis.client.getdel(this.key(ticket));
    if (stored === null) throw new ConsoleTicketRefusedError('The console ticket is unknown or was already used (a ticket opens one connection).');
    const grant = JSON.parse(stored) as ConsoleTicketGrant;
    if (grant.expiresAt <= this.clock.now().getTime()) throw new ConsoleTicketRefusedError(`The console ticket expired (tickets last ${CONSOLE_TICKET_TTL_MS / 1000} s).`);
    return grant;
  }

  private key(ticket: string): string {
    return this.redis.key('console-tickets', hashOf(ticket));
  }
}
