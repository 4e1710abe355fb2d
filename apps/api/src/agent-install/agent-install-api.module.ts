import { Module } from '@nestjs/common';
import { AgentInstallModule } from '@carve/agent-install';
import { AgentInstallController } from './agent-install.controller';

/** The HTTP side of the Dom0 agent install. */
@Module({ imports: [AgentInstallModule], controllers: [AgentInstallController] })
export class AgentInstallApiModule {}
