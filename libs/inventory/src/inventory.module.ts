import { Module } from '@nestjs/common';
import { HostRepository } from './host.repository';
import { HostService } from './host.service';

@Module({ providers: [HostRepository, HostService], exports: [HostService, HostRepository] })
export class InventoryModule {}
