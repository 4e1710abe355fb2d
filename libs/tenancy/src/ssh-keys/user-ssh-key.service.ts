import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, SshKeyError } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { Actor, scopeOf } from '../actor';
import { UserSshKey } from '../entities/user-ssh-key.entity';
import { User } from '../entities/user.entity';
import { UserRepository } from '../users/user.repository';
import { parseRegisteredKey, sshFingerprint } from './ssh-key-fingerprint';
import { MAX_KEYS_PER_USER, SshKeyOwner, UserSshKeyRepository } from './user-ssh-key.repository';

export interface SshKeyView {
  id: string;
  userId: string;
  customerId: string | null;
  name: string;
  type: string;
  bits: number;
  fingerprint: string;
  publicKey: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export function toSshKeyView(k: UserSshKey): SshKeyView {
  return {
    id: k.id,
    userId: k.userId,
    customerId: k.customerId,
    name: k.name,
    type: k.keyType,
    bits: k.bits,
    fingerprint: k.fingerprint,
    publicKey: k.publicKey,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
  };
}

/**
 * Users' SSH keys. A user manages their own; a customer admin those of the customer's
 * users; operators anyone's. Another tenant's user is a 404 like a missing one.
 *
 * Also the read side for the other capabilities that use the keys: the console gateway
 * (login by fingerprint, and whether a key that opened a session still stands) and rescue
 * mode (`keysOfCustomer`).
 */
@Injectable()
export class UserSshKeyService {
  /** `removed` (keyId): sessions this process opened with the key end at once; other processes notice on their next check. */
  readonly events = new EventEmitter();

  constructor(
    private readonly keys: UserSshKeyRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, userId: string): Promise<SshKeyView[]> {
    const user = await this.requireManagedUser(actor, userId);
    return (await this.keys.listOfUser(scopeOf(actor), user.id)).map(toSshKeyView);
  }

  async add(actor: Actor, userId: string, input: { name: string; publicKey: string }): Promise<SshKeyView> {
    const user = await this.requireManagedUser(actor, userId);
    let material;
    try {
      material = parseRegisteredKey(input.publicKey);
    } catch (error) {
      if (error instanceof SshKeyError) throw new InvalidInputError([{ field: 'publicKey', message: error.message }]);
      throw error;
    }
    if ((await this.keys.countOfUser(user.id)) >= MAX_KEYS_PER_USER) {
      throw new ConflictError('too_many_ssh_keys', `A user holds at most ${MAX_KEYS_PER_USER} SSH keys; remove one first.`);
    }
    try {
      const saved = await this.keys.insert({
        userId: user.id,
        customerId: user.customerId,
        name: input.name,
        keyType: material.type,
        bits: material.bits,
        publicKey: material.line,
        fingerprint: material.fingerprint,
      });
      return toSshKeyView(saved);
    } catch (error) {
      // One user per key (migration SshKeysGloballyUnique says why): whose it is stays unsaid.
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'user_ssh_keys_fingerprint_key') {
        throw new ConflictError('duplicate_ssh_key', `The key ${material.fingerprint} is already registered in carve; a key belongs to one user. Use another key, or remove it where it is registered.`, {
          fields: [{ field: 'publicKey', message: `is already registered (${material.fingerprint})` }],
        });
      }
      throw error;
    }
  }

  async remove(actor: Actor, userId: string, keyId: string): Promise<void> {
    const user = await this.requireManagedUser(actor, userId);
    const key = await this.keys.findOfUser(scopeOf(actor), user.id, keyId);
    if (!key) throw new NotFoundError('ssh key', keyId);
    await this.keys.remove(key.id);
    this.events.emit('removed', key.id);
  }

  /** The public key lines of every user of the customer (admins and viewers), for rescue mode's authorized_keys. */
  keysOfCustomer(customerId: string): Promise<string[]> {
    return this.keys.linesOfCustomer(customerId);
  }

  /** Who may log in with the key whose wire blob this is (more than one user may hold a key). */
  loginCandidates(publicKeyBlob: Buffer): Promise<SshKeyOwner[]> {
    return this.keys.usableByFingerprint(sshFingerprint(publicKeyBlob));
  }

  /** Of the keys that opened sessions, those that are gone (removed, user deleted, account suspended). */
  unusableKeys(ids: readonly string[]): Promise<Set<string>> {
    return this.keys.unusableOf(ids);
  }

  async recordUse(keyId: string): Promise<void> {
    await this.keys.touchLastUsed(keyId, this.clock.now());
  }

  private async requireManagedUser(actor: Actor, userId: string): Promise<User> {
    const user = await this.users.findInScope(scopeOf(actor), userId);
    if (!user) throw new NotFoundError('user', userId);
    if (actor.role === 'viewer' && user.id !== actor.userId) throw new ForbiddenError('Viewers manage only their own SSH keys; ask an admin of your account.');
    return user;
  }
}
