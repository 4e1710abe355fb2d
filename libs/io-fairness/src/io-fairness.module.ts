import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { MeteringModule } from '@carve/metering';
import { ServersModule } from '@carve/servers';
import { TenancyModule } from '@carve/tenancy';
import { HostIoAnalyser } from './host-io.analyser';
import { IoImpactService } from './io-impact.service';
import { IoRecommendationService } from './io-recommendation.service';
import { HostIoPolicyRepository } from './io-policy.repository';
import { HostIoPolicyService } from './io-policy.service';

/** The IO impact report (who contends for a host's disks, who suffers) and the per-host rules it applies. */
@Module({
  imports: [InventoryModule, MeteringModule, ServersModule, TenancyModule],
  providers: [HostIoPolicyRepository, HostIoPolicyService, HostIoAnalyser, IoRecommendationService, IoImpactService],
  exports: [HostIoPolicyService, IoImpactService],
})
export class IoFairnessModule {}
