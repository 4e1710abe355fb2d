// The DataSource the TypeORM CLI uses (npm run migration:run / revert / generate).
import 'reflect-metadata';
import { loadConfig } from '@carve/config';
import { dataSourceOptions } from '@carve/database';
import { DataSource } from 'typeorm';
import { ALL_ENTITIES, ALL_MIGRATIONS } from './index';

export default new DataSource(dataSourceOptions(loadConfig().databaseUrl, ALL_ENTITIES, ALL_MIGRATIONS));
