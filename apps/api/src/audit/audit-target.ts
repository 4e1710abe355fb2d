import type { AuditedMetadata } from '@carve/audit';
import type { Actor } from '@carve/tenancy';

/** What an audit event is about, worked out from the route, its parameters and its response. */
export interface AuditTarget {
  action: string;
  objectType: string;
  objectId: string | undefined;
  customerId: string | null;
  /** Ids the request produced besides its object: a token issued on a customer, the job an action queued. */
  produced: Record<string, string>;
}

export interface AuditedCall {
  controllerClass: string;
  handler: string;
  metadata: AuditedMetadata | undefined;
  actor: Actor | undefined;
  params: Record<string, string | undefined>;
  response: unknown;
}

export function auditTarget(call: AuditedCall): AuditTarget {
  const controller = controllerName(call.controllerClass);
  const action = call.metadata?.action ?? `${controller}.${call.handler}`;
  const objectType = call.metadata?.objectType ?? singular(controller);
  const response = asRecord(call.response);
  // `{ server: {...}, job: {...} }` answers are about the object named like the type.
  const subject = typeof response.id === 'string' ? response : asRecord(response[objectType]);
  const subjectId = stringAt(subject, 'id');

  const explicit = call.metadata?.objectId;
  const objectId = explicit ? ('param' in explicit ? call.params[explicit.param] : stringAt(response, explicit.field)) : (call.params.id ?? subjectId);

  const produced: Record<string, string> = {};
  if (subjectId && subjectId !== objectId) produced.resultId = subjectId;
  const jobId = stringAt(response, 'job.id');
  if (jobId) produced.jobId = jobId;

  return { action, objectType, objectId, customerId: tenantOf(call.actor, objectType, objectId, subject), produced };
}

/**
 * A customer only ever acts on its own objects. For an operator it is the object's
 * customer as the response names it (or the customer itself); otherwise none, which
 * keeps the event operator-only, like a host registration.
 */
function tenantOf(actor: Actor | undefined, objectType: string, objectId: string | undefined, subject: Record<string, unknown>): string | null {
  if (actor?.customerId) return actor.customerId;
  const customerId = stringAt(subject, 'customerId');
  if (customerId) return customerId;
  if (objectType === 'customer' && objectId) return objectId;
  return null;
}

/** A string at a dotted path (`server.id`), if there is one. */
function stringAt(record: Record<string, unknown>, path: string): string | undefined {
  let current: unknown = record;
  for (const part of path.split('.')) current = asRecord(current)[part];
  return typeof current === 'string' ? current : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `HostsController` -> `hosts`, `PoolCeilingsController` -> `poolCeilings`. */
function controllerName(className: string): string {
  const base = className.replace(/Controller$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** `hosts` -> `host`, `policies` -> `policy`: the object type when a route does not name one. */
function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  return name.endsWith('s') ? name.slice(0, -1) : name;
}
