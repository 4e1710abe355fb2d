import { DataSource } from 'typeorm';
import { ApiToken } from './entities/api-token.entity';
import { User } from './entities/user.entity';
import { newTokenSecret } from './tokens/token-secret';

export interface BootstrapResult {
  /** False when an operator already existed: nothing was created and no token is known. */
  created: boolean;
  token?: string;
}

/**
 * On first start, creates the first operator user and its token (the given one, for
 * automation, or a random one). Later starts change nothing. An advisory lock keeps two
 * processes starting at once from creating two operators.
 */
export async function ensureBootstrapOperator(db: DataSource, requestedToken?: string): Promise<BootstrapResult> {
  return db.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('carve.bootstrap-operator'))`);
    if ((await manager.getRepository(User).count({ where: { role: 'operator' } })) > 0) return { created: false };
    const user = await manager
      .getRepository(User)
      .save(manager.getRepository(User).create({ customerId: null, name: 'Bootstrap operator', email: 'operator@localhost', role: 'operator', deletedAt: null }));
    const secret = newTokenSecret(requestedToken);
    await manager.getRepository(ApiToken).save(
      manager.getRepository(ApiToken).create({
        userId: user.id,
        customerId: null,
        name: 'bootstrap',
        prefix: secret.prefix,
        secretHash: secret.secretHash,
        expiresAt: null,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { created: true, token: secret.token };
  });
}
