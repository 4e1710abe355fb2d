import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUDITED_KEY, AuditedMetadata, AuditService } from '@carve/audit';
import type { Actor, RequestWithActor } from '@carve/tenancy';
import type { FastifyRequest } from 'fastify';
import { mergeMap, Observable } from 'rxjs';
import { isIdempotentReplay } from '../http/idempotency/idempotency-requests';

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
    const controller = controllerName(context.getClass().name);
    const action = metadata?.action ?? `${controller}.${context.getHandler().name}`;
    const objectType = metadata?.objectType ?? singular(controller);

    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        if (!isIdempotentReplay(request)) await this.recordSafely(request, action, objectType, metadata, result);
        return result;
      }),
    );
  }

  private async recordSafely(request: AuditedRequest, action: string, objectType: string, metadata: AuditedMetadata | undefined, result: unknown): Promise<void> {
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const response = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
    const responseId = typeof response.id === 'string' ? response.id : undefined;
    const objectId = metadata?.objectId
      ? 'param' in metadata.objectId
        ? params[metadata.objectId.param]
        : stringField(response, metadata.objectId.field)
      : (params.id ?? responseId);
    const details: Record<string, unknown> = typeof request.body === 'object' && request.body !== null ? { ...request.body } : {};
    // A route on an object that creates another (POST /customers/:id/tokens) keeps what it made.
    if (responseId && objectId !== responseId) details.resultId = responseId;
    try {
      await this.audit.record({
        actor: request.actor ?? null,
        action,
        objectType,
        objectId: objectId ?? null,
        customerId: tenantOf(request.actor, objectType, objectId, response),
        details,
        requestId: String(request.id),
      });
    } catch (error) {
      // The change is made and committed; failing its response now would invite a retry that repeats it.
      this.logger.error({ msg: 'could not record audit event', action, requestId: request.id, err: error instanceof Error ? error.message : String(error) });
    }
  }
}

/**
 * The tenant an event belongs to. A customer only ever acts on its own objects; for an
 * operator it is the object's customer as the response names it (or the customer
 * itself), and otherwise none: operator-only, like a host registration.
 */
function tenantOf(actor: Actor | undefined, objectType: string, objectId: string | undefined, response: Record<string, unknown>): string | null {
  if (actor?.customerId) return actor.customerId;
  const customerId = stringField(response, 'customerId');
  if (customerId) return customerId;
  if (objectType === 'customer' && objectId) return objectId;
  return null;
}

function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}

/** `HostsController` -> `hosts`. */
function controllerName(className: string): string {
  const base = className.replace(/Controller$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** `hosts` -> `host`, `policies` -> `policy`: the object type when a route does not name one. */
function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  return name.endsWith('s') ? name.slice(0, -1) : name;
}
