/**
 * `npm start`: runs carve on this machine. Starts an embedded PostgreSQL and a redis-server
 * when DATABASE_URL / REDIS_URL are unset, simulated Dom0 hosts (CARVE_SIM_HOSTS, default 3),
 * then the API and the worker. State lives in CARVE_DATA_DIR (default ./.data).
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { runLauncher } from './launcher/launcher';

runLauncher(resolve(__dirname, '..'), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[carve] launcher failed:', error);
    process.exit(1);
  },
);
