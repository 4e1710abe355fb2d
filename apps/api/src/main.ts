import 'reflect-metadata';
import { ConfigError, loadConfig } from '@carve/config';
import { createApiApp } from './api-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app } = await createApiApp(config);
  await app.listen({ port: config.port, host: config.host });
  console.log(JSON.stringify({ level: 'info', msg: 'carve api listening', url: `http://${config.host}:${config.port}` }));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
