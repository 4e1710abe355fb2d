import { Module } from '@nestjs/common';
import { EventsModule } from '@carve/events';
import { InventoryModule } from '@carve/inventory';
import { IoFairnessModule } from '@carve/io-fairness';
import { IoDominanceScheduler } from './io-dominance.scheduler';

/** The worker's part of IO fairness: the periodic check that raises host.io.dominated. */
@Module({ imports: [IoFairnessModule, InventoryModule, EventsModule], providers: [IoDominanceScheduler] })
export class IoFairnessWorkerModule {}
