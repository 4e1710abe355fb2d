import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { AgentBundleSource } from './agent-bundle.source';
import { AgentInstallService } from './agent-install.service';

/** Installing and upgrading the Dom0 agent on a host (the API's POST /v1/hosts/:id/agent). */
@Module({ imports: [InventoryModule], providers: [AgentBundleSource, AgentInstallService], exports: [AgentInstallService, AgentBundleSource] })
export class AgentInstallModule {}
