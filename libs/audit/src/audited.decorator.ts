import { SetMetadata } from '@nestjs/common';

export const AUDITED_KEY = 'carve:audited';

/** Where the audited object's id comes from: a path parameter, or a field of the response body (dotted: `server.id`). */
export type AuditedObjectId = { param: string } | { field: string };

export interface AuditedMetadata {
  /** False: the handler records its own events (inside its transaction), so the generic interceptor stays out. */
  readonly enabled: boolean;
  readonly action?: string;
  readonly objectType?: string;
  readonly objectId?: AuditedObjectId;
}

/**
 * Names what a mutating route does in the audit trail, e.g. `@Audited('servers.order', 'server', { field: 'server.id' })`.
 * Without it every POST/PATCH/PUT/DELETE is still recorded, as `<controller>.<handler>` on the singular of the
 * controller's name, with the `:id` parameter as the object, else the response's `id`, else the `id` of the
 * response member named like the type (`{ server: {...}, job: {...} }` is about the server).
 */
export const Audited = (action: string, objectType: string, objectId?: AuditedObjectId) =>
  SetMetadata(AUDITED_KEY, { enabled: true, action, objectType, objectId } satisfies AuditedMetadata);

/** For handlers that call AuditService.record themselves: the generic recording skips them. */
export const NotAudited = () => SetMetadata(AUDITED_KEY, { enabled: false } satisfies AuditedMetadata);
