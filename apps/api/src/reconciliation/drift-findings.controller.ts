import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DriftFindingService } from '@carve/reconciliation';
import { OperatorRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { DriftFindingListQuery } from './drift-finding-list.query';
import { DriftFindingPage, DriftFindingView } from './drift-finding.view';

/** What the reconciler found on the hosts: the newest first. Read-only; the operator acts on the hosts. */
@ApiTags('reconciliation')
@Controller('v1/drift-findings')
export class DriftFindingsController {
  constructor(private readonly findings: DriftFindingService) {}

  @Get()
  @OperatorRoute()
  @ApiOkResponse({ type: DriftFindingPage })
  async list(@Query() query: DriftFindingListQuery): Promise<DriftFindingPage> {
    const open = query.open === undefined ? undefined : query.open === 'true';
    const page = await this.findings.list(pageRequest(query), { hostId: query.hostId, kind: query.kind, open });
    return { items: page.items.map(DriftFindingView.of), nextCursor: page.nextCursor };
  }
}
