import { Injectable } from '@nestjs/common';
import type { Host } from '@carve/inventory';
import { HostProbe } from '@carve/reconciliation';
import type { LvEntry, XlListEntry } from '@carve/xen';
import { Dom0Connections } from '../provisioning/dom0-connections';

const IGNORE_COMMAND = (): void => undefined;

/** The reconciler's view of a host, over the same pooled SSH connection the jobs use. */
@Injectable()
export class Dom0HostProbe extends HostProbe {
  constructor(private readonly connections: Dom0Connections) {
    super();
  }

  listDomains(host: Host): Promise<XlListEntry[]> {
    return this.connections.clientFor(host, IGNORE_COMMAND).listDomains();
  }

  listVolumes(host: Host): Promise<LvEntry[]> {
    return this.connections.clientFor(host, IGNORE_COMMAND).listVolumes();
  }
}
