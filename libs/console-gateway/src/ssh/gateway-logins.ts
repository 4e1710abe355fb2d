import { Injectable } from '@nestjs/common';
import { ServerRepository } from '@carve/servers';
import { SshKeyOwner, TenantScope, UserSshKeyService } from '@carve/tenancy';
import { isUUID } from 'class-validator';
import type { ConsoleTarget } from '../sessions/console-session-policy';

export interface GatewayLogin {
  /** Whose key it is: a key belongs to one user (migration SshKeysGloballyUnique says why). */
  readonly owner: SshKeyOwner;
  /** The server asked for, or null when there is none the owner may reach: a missing one and another tenant's alike. */
  readonly server: ConsoleTarget | null;
}

/** Longest login name looked up: server names are at most 40 characters, ids 36. */
const MAX_LOGIN = 64;

/**
 * Who is logging in at the gateway and to which server. The login name is the server's
 * name within the key owner's account, or its id; operators' keys reach any server, by id.
 * The lookup is the same query whether the server is missing or another tenant's, so the
 * two cannot be told apart, in the answer or in the time it takes.
 */
@Injectable()
export class GatewayLogins {
  constructor(
    private readonly keys: UserSshKeyService,
    private readonly servers: ServerRepository,
  ) {}

  /** null: no registered key has this blob (authentication fails). */
  async resolve(loginName: string, publicKeyBlob: Buffer): Promise<GatewayLogin | null> {
    const [owner] = await this.keys.loginCandidates(publicKeyBlob);
    if (!owner) return null;
    return { owner, server: await this.serverFor(owner, loginName) };
  }

  /** The key logged someone in: its last use, to the minute, for the owner's key list. */
  async recordUse(keyId: string): Promise<void> {
    await this.keys.recordUse(keyId).catch(() => undefined);
  }

  private async serverFor(owner: SshKeyOwner, loginName: string): Promise<ConsoleTarget | null> {
    if (loginName.length === 0 || loginName.length > MAX_LOGIN) return null;
    const scope: TenantScope = owner.customerId === null ? { kind: 'operator' } : { kind: 'customer', customerId: owner.customerId };
    let found;
    if (isUUID(loginName)) {
      found = await this.servers.findInScope(scope, loginName.toLowerCase());
      if (found?.state === 'deleted') found = null;
    } else {
      // Names are unique within one account only: an operator, who sees every account, logs in by id.
      found = scope.kind === 'customer' ? await this.servers.findByNameInScope(scope, loginName) : null;
    }
    return found ? { id: found.id, customerId: found.customerId, name: found.name } : null;
  }
}
