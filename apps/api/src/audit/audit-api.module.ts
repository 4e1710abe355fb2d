import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '@carve/audit';
import { IdempotencyInterceptor } from '../http/idempotency/idempotency.interceptor';
import { IdempotencyOpenApi } from '../http/idempotency/idempotency.openapi';
import { IdempotencyReplyHook } from '../http/idempotency/idempotency-reply.hook';
import { IdempotencyStore } from '../http/idempotency/idempotency.store';
import { AuditEventsController } from './audit-events.controller';
import { AuditInterceptor } from './audit.interceptor';

/**
 * The HTTP side of the audit capability, and the idempotency of every mutating request:
 * both wrap every route, so both are global interceptors registered here. Order matters
 * and is the order below (Nest applies global interceptors as registered): idempotency
 * outside, so a replayed response never reaches the audit interceptor's handler call.
 */
@Module({
  imports: [AuditModule, DiscoveryModule],
  controllers: [AuditEventsController],
  providers: [
    IdempotencyStore,
    IdempotencyReplyHook,
    IdempotencyOpenApi,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
})
export class AuditApiModule {}
