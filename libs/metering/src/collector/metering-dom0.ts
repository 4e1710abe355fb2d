import type { Host } from '@carve/inventory';
import type { MeteringReading } from '@carve/xen';

/**
 * How the collector reaches a Dom0: the worker provides it over its pooled, host-key
 * pinned SSH connections. An interface so the collector does not depend on the worker app.
 */
export interface MeteringDom0 {
  readMetering(host: Host): Promise<MeteringReading>;
}

export const METERING_DOM0 = Symbol('METERING_DOM0');
