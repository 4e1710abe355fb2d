import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ACCESS_KEY, AccessLevel } from '@carve/tenancy';

export class FieldProblemDoc {
  @ApiProperty({ example: 'hostKeyFingerprint' }) field: string;
  @ApiProperty({ example: 'must be SHA256: followed by 43 base64 characters' }) message: string;
}

export class ProblemDoc {
  @ApiProperty({ example: 'https://docs.carve.dev/problems/validation_failed' }) type: string;
  @ApiProperty({ example: 'Invalid request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty() detail: string;
  @ApiProperty({ example: 'validation_failed', description: 'Stable error code' }) code: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({ type: [FieldProblemDoc] }) fields?: FieldProblemDoc[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation_failed, malformed_json)',
  401: 'Missing, malformed, revoked or expired token (unauthenticated)',
  403: 'Authenticated but not allowed (forbidden)',
  404: 'No such object in your account (not_found)',
  409: 'Conflicts with the current state (duplicate names, objects in use)',
  413: 'Request body too large (payload_too_large)',
  429: 'Rate limit exceeded; see Retry-After (rate_limited)',
};

/** Documents problem+json error responses. Every authenticated route gets 400/401/413/429 as well. */
export function ApiProblems(...statuses: number[]) {
  const all = [...new Set([400, 401, 413, 429, ...statuses])].sort();
  // No `type`: with one, the generator documents the body as application/json and drops `content`.
  return applyDecorators(
    ApiExtraModels(ProblemDoc),
    ...all.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDoc) } } } })),
  );
}

function access(level: AccessLevel, ...statuses: number[]) {
  return applyDecorators(SetMetadata(ACCESS_KEY, level), ApiExtension('x-carve-access', level), ApiProblems(...statuses));
}

/** Operators only: customers get 403. */
export const OperatorRoute = (...statuses: number[]) => access('operator', 403, ...statuses);
/** Operators and customer admins: viewers get 403. */
export const WriteRoute = (...statuses: number[]) => access('write', 403, ...statuses);
/** Any authenticated user, within their own account. */
export const ReadRoute = (...statuses: number[]) => access('read', ...statuses);
