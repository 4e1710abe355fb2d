import { Host } from '@carve/inventory';
import { ApiToken, Customer, User } from '@carve/tenancy';
import { TenancyAndInventory1764050000000 } from './1764050000000-TenancyAndInventory';

/**
 * The schema catalog: every entity and every migration, listed by hand so the apps,
 * the migration CLI and jest load the same set without globbing .ts files.
 */
export const ALL_ENTITIES = [Customer, User, ApiToken, Host];

export const ALL_MIGRATIONS = [TenancyAndInventory1764050000000];
