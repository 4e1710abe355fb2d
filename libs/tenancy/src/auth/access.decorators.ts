import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor } from '../actor';

export const ACCESS_KEY = 'carve:access';

/**
 * What a route needs beyond a valid token:
 * - `public`: no token at all (/health, docs)
 * - `read`: any authenticated user (the default)
 * - `write`: operators and customer admins; viewers get 403
 * - `operator`: operators only; customers get 403
 */
export type AccessLevel = 'public' | 'read' | 'write' | 'operator';

export const Public = () => SetMetadata(ACCESS_KEY, 'public' satisfies AccessLevel);
export const WriteAccess = () => SetMetadata(ACCESS_KEY, 'write' satisfies AccessLevel);
export const OperatorOnly = () => SetMetadata(ACCESS_KEY, 'operator' satisfies AccessLevel);

export interface RequestWithActor {
  actor?: Actor;
}

/** The caller, as the auth guard resolved it. Fails loudly on a route where the guard set nothing (a public route asking for an actor is a bug). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without an authenticated actor');
  return actor;
});
