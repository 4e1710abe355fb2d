import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUDITED_KEY, AuditedMetadata, AuditService } from '@carve/audit';
import type { RequestWithActor } from '@carve/tenancy';
import type { FastifyRequest } from 'fastify';
import { mergeMap, Observable } from 'rxjs';
import { isIdempotentReplay } from '../http/idempotency/idempotency-requests';
import { auditTarget } from './audit-target';

const AUDITED_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

type AuditedRequest = FastifyRequest & RequestWithActor;

/**
 * Records every successful mutating request in the audit trail: who (user and token),
 * what (`@Audited` or `<controller>.<handler>`), which object and tenant, and the
 * request body minus secrets. Failed requests never reach the recording (their error
 * skips the success path), nor do idempotent replays (nothing happened again).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('audit');

  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    if (!AUDITED_METHODS.has(request.method)) return next.handle();
    const metadata = this.reflector.getAllAndOverride<AuditedMetadata | undefined>(AUDITED_KEY, [context.getHandler(), context.getClass()]);
    if (metadata?.enabled === false) return next.handle();
    const call = { controllerClass: context.getClass().name, handler: context.getHandler().name, metadata, actor: request.actor };

    return next.handle().pipe(
      mergeMap(async (response: unknown) => {
        if (!isIdempotentReplay(request)) await this.recordSafely(request, auditTarget({ ...call, params: (request.params ?? {}) as Record<string, string | undefined>, response }));
        return response;
      }),
    );
  }

  private async recordSafely(request: AuditedRequest, target: ReturnType<typeof auditTarget>): Promise<void> {
    const body = typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body) ? request.body : {};
    try {
      await this.audit.record({
        actor: request.actor ?? null,
        action: target.action,
        objectType: target.objectType,
        objectId: target.objectId ?? null,
        customerId: target.customerId,
        details: { ...body, ...target.produced },
        requestId: String(request.id),
      });
    } catch (error) {
      // The change is made and committed; failing its response now would invite a retry that repeats it.
      this.logger.error({ msg: 'could not record audit event', action: target.action, requestId: request.id, err: error instanceof Error ? error.message : String(error) });
    }
  }
}
