import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { ServersModule } from '@carve/servers';
import { TenancyModule } from '@carve/tenancy';
import { HostIoAnalyser } from './host-io.analyser';
import { IoImpactService } from './io-impact.service';
import { IoRecommendationService } from './io-recommendation.service';
import { HostIoPolicyRepository } from './io-policy.repository';
import { HostIoPolicyService } from './io-policy.service';
import { IoSamplesReader } from './io-samples.reader';

/** The IO impact report (who contends for a host's disks, who suffers) and the per-host rules it applies. */
@Module({
  imports: [InventoryModule, ServersModule, TenancyModule],
  providers: [IoSamplesReader, HostIoPolicyRepository, HostIoPolicyService, HostIoAnalyser, IoRecommendationService, IoImpactService],
  exports: [HostIoPolicyService, IoImpactService],
})
export class IoFairnessModule {}
