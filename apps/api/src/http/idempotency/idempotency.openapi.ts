import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { REPLAYED_HEADER } from './idempotency-key';

const DOCUMENTED_KEY = 'carve:idempotency-documented';
const MUTATING: ReadonlySet<RequestMethod> = new Set([RequestMethod.POST, RequestMethod.PATCH, RequestMethod.DELETE]);

export const IDEMPOTENCY_HEADER_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Makes a retry safe: 1-255 visible ASCII characters, unique per intended change (a UUID is fine), kept for at least 24 hours per user. ' +
    `The same key with the same method, path and body answers the first response again, with \`${REPLAYED_HEADER}: true\`. ` +
    'The same key with a different request is refused (422 idempotency_key_reused); while the first request is still running, 409 idempotency_key_in_progress. ' +
    'Error responses 4xx are kept like successes; 5xx are not, so the key can be retried.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
};

/**
 * Documents the Idempotency-Key header on every POST, PATCH and DELETE route, including
 * routes added later, by adding @ApiHeader to each handler. It runs as the provider is
 * built, which is before the app builds its OpenAPI document (api-app.ts does that
 * between NestFactory.create and init). The marker keeps a second app in the same
 * process (tests) from documenting the header twice.
 */
@Injectable()
export class IdempotencyOpenApi {
  constructor(discovery: DiscoveryService, scanner: MetadataScanner) {
    for (const wrapper of discovery.getControllers()) {
      const prototype = (wrapper.metatype as { prototype?: object } | null)?.prototype;
      if (!prototype) continue;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const descriptor = findDescriptor(prototype, name);
        const handler: unknown = descriptor?.value;
        if (!descriptor || typeof handler !== 'function') continue;
        if (!MUTATING.has(Reflect.getMetadata(METHOD_METADATA, handler)) || Reflect.getMetadata(DOCUMENTED_KEY, handler)) continue;
        ApiHeader(IDEMPOTENCY_HEADER_DOC)(prototype, name, descriptor);
        Reflect.defineMetadata(DOCUMENTED_KEY, true, handler);
      }
    }
  }
}

function findDescriptor(prototype: object, name: string): PropertyDescriptor | undefined {
  for (let current: object | null = prototype; current; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, name);
    if (descriptor) return descriptor;
  }
  return undefined;
}
