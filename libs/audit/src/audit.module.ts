import { Module } from '@nestjs/common';
import { TenancyModule } from '@carve/tenancy';
import { AuditEventRepository } from './audit-event.repository';
import { AuditService } from './audit.service';

// TenancyModule: whose token acted, to show customers the operator without its ids.
@Module({ imports: [TenancyModule], providers: [AuditEventRepository, AuditService], exports: [AuditService] })
export class AuditModule {}
