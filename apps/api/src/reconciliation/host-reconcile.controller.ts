import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '@carve/core';
import { DriftFindingService } from '@carve/reconciliation';
import { OperatorRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { ReconcileRequestedView } from './drift-finding.view';

@ApiTags('reconciliation')
@Controller('v1/hosts')
export class HostReconcileController {
  constructor(
    private readonly findings: DriftFindingService,
    private readonly clock: Clock,
  ) {}

  @Post(':id/reconcile')
  @HttpCode(202)
  @OperatorRoute(404, 409)
  @ApiAcceptedResponse({ type: ReconcileRequestedView, description: 'A pass over this host is queued for the worker; read GET /v1/drift-findings?hostId= after it' })
  requestPass(@UuidParam() id: string): Promise<ReconcileRequestedView> {
    return this.findings.requestHostPass(id, this.clock.now());
  }
}
