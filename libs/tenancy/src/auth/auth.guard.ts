import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '@carve/core';
import { ACCESS_KEY, AccessLevel, RequestWithActor } from './access.decorators';
import { RequestAuthenticator } from './request-authenticator';

interface HttpRequest extends RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
}

/** Global guard: every route needs a bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'read';
    if (level === 'public') return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const actor = await this.authenticator.authenticate(request, request.headers['authorization']);
    request.actor = actor;
    if (level === 'operator' && actor.role !== 'operator') throw new ForbiddenError('This route is for the hosting operator only.');
    if (level === 'write' && actor.role === 'viewer') throw new ForbiddenError('Viewers have read-only access; ask an admin of your account.');
    return true;
  }
}
