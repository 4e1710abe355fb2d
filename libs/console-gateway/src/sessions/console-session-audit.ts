import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@carve/audit';
import type { ConsoleEnded, ConsoleSession } from '@carve/console';

/** What the audit trail keeps about one console session beyond the hub's own view of it. */
export interface ConsoleSessionFacts {
  readonly session: ConsoleSession;
  /** The tenant of the server (the audit event belongs to it). */
  readonly serverCustomerId: string;
  readonly serverName: string;
  readonly sshKeyId?: string;
  readonly sshKeyFingerprint?: string;
}

/**
 * Console sessions in the audit trail: `console.open` when one starts (a session open for
 * hours is visible while it lasts), `console.close` when it ends, with how long it lasted
 * and why it ended. Who: the user (and the token of a web session); from where: the
 * client's address; kind: web or ssh. An audit write that fails is logged, never thrown:
 * a console must not break because the trail is unavailable for a moment.
 */
@Injectable()
export class ConsoleSessionAudit {
  private readonly logger = new Logger('console-audit');

  constructor(private readonly audit: AuditService) {}

  async opened(facts: ConsoleSessionFacts): Promise<void> {
    await this.write(facts, 'console.open', {});
  }

  async closed(facts: ConsoleSessionFacts, ended: ConsoleEnded, closedAt: Date): Promise<void> {
    const durationSeconds = Math.max(0, Math.round((closedAt.getTime() - facts.session.openedAt.getTime()) / 1000));
    await this.write(facts, 'console.close', { closedAt: closedAt.toISOString(), durationSeconds, endReason: ended.reason, endMessage: ended.message });
  }

  private async write(facts: ConsoleSessionFacts, action: string, extra: Record<string, unknown>): Promise<void> {
    const { session } = facts;
    const viewer = session.viewer;
    try {
      await this.audit.record({
        actor: { userId: viewer.userId, tokenId: viewer.tokenId ?? null },
        action,
        objectType: 'server',
        objectId: session.serverId,
        customerId: facts.serverCustomerId,
        details: {
          sessionId: session.id,
          kind: viewer.kind,
          serverName: facts.serverName,
          remoteAddress: viewer.remoteAddress,
          openedAt: session.openedAt.toISOString(),
          readOnly: !viewer.canType,
          // The customer reads its own user's id; an operator's stays out of the customer's trail.
          ...(viewer.customerId === facts.serverCustomerId ? { userId: viewer.userId } : { by: 'operator' }),
          ...(facts.sshKeyFingerprint ? { sshKeyFingerprint: facts.sshKeyFingerprint } : {}),
          ...extra,
        },
      });
    } catch (error) {
      this.logger.error({ msg: 'could not record console session', action, sessionId: session.id, err: error instanceof Error ? error.message : String(error) });
    }
  }
}
