import { AuditEvent } from '@carve/audit';
import { Event } from '@carve/events';
import { Image } from '@carve/images';
import { Host } from '@carve/inventory';
import { Job } from '@carve/jobs';
import { HostDrain, ServerMove } from '@carve/moves';
import { CustomerPoolCeiling, Pool, PoolSizeChange } from '@carve/pools';
import { DriftFinding } from '@carve/reconciliation';
import { Server, ServerDisk } from '@carve/servers';
import { ApiToken, Customer, User, UserSshKey } from '@carve/tenancy';
import { TenancyAndInventory1764050000000 } from './1764050000000-TenancyAndInventory';
import { PoolsServersJobs1764060000000 } from './1764060000000-PoolsServersJobs';
import { ServerSshKeys1764070000000 } from './1764070000000-ServerSshKeys';
import { Metering1764080000000 } from './1764080000000-Metering';
import { Events1764090000000 } from './1764090000000-Events';
import { Billing1764100000000 } from './1764100000000-Billing';
import { IoFairness1764113000000 } from './1764113000000-IoFairness';
import { ServerLimits1764120000000 } from './1764120000000-ServerLimits';
import { ServerMoves1764130000000 } from './1764130000000-ServerMoves';
import { Webhooks1764140000000 } from './1764140000000-Webhooks';
import { HostAgent1796410667172 } from './1796410667172-HostAgent';
import { UserSshKeys1796410593695 } from './1796410593695-UserSshKeys';
import { RescueStates1796410948453 } from './1796410948453-RescueStates';
import { SshKeysGloballyUnique1796412600000 } from './1796412600000-SshKeysGloballyUnique';

/**
 * The schema catalog: every entity and every migration, listed by hand so the apps,
 * the migration CLI and jest load the same set without globbing .ts files.
 */
export const ALL_ENTITIES = [Customer, User, ApiToken, Host, CustomerPoolCeiling, Pool, PoolSizeChange, Image, Server, ServerDisk, Job, AuditEvent, DriftFinding, Event, ServerMove, HostDrain, UserSshKey];

export const ALL_MIGRATIONS = [TenancyAndInventory1764050000000, PoolsServersJobs1764060000000, ServerSshKeys1764070000000, Metering1764080000000, Events1764090000000, Billing1764100000000, IoFairness1764113000000, ServerLimits1764120000000, ServerMoves1764130000000, Webhooks1764140000000, UserSshKeys1796410593695, HostAgent1796410667172, RescueStates1796410948453, SshKeysGloballyUnique1796412600000];
