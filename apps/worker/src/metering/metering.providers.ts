import { Injectable, Provider } from '@nestjs/common';
import type { Host } from '@carve/inventory';
import { HostCollector, METERING_DOM0, MeteringDom0 } from '@carve/metering';
import { Dom0Client, MeteringReading } from '@carve/xen';
import { Dom0Connections } from '../provisioning/dom0-connections';
import { CollectionScheduler } from './collection.scheduler';

/** The collector reads hosts through their agents over the worker's pooled SSH connections (same pool, host-key pinning and agent channel as jobs). */
@Injectable()
export class PooledMeteringDom0 implements MeteringDom0 {
  constructor(private readonly connections: Dom0Connections) {}

  readMetering(host: Host): Promise<MeteringReading> {
    return new Dom0Client(this.connections.agent, this.connections.targetFor(host), { volumeGroup: host.volumeGroup }).readMetering(host.volumeGroup);
  }
}

export const METERING_WORKER_PROVIDERS: Provider[] = [PooledMeteringDom0, { provide: METERING_DOM0, useExisting: PooledMeteringDom0 }, HostCollector, CollectionScheduler];
