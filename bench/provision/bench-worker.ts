/**
 * Child entry: carve's worker as apps/worker/src/main.ts boots it (same module, same
 * config from the environment, same JSON console logger), plus two bench-only additions
 * that leave production code untouched: the no-op job handler (noop-job.handler.ts) and the
 * command recorder on the SSH pool, whose record the bench asks for over IPC (`recording`)
 * to replay the same bytes directly.
 */
import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@carve/config';
import { Dom0Connections } from '../../apps/worker/src/provisioning/dom0-connections';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import type { ChildMessage } from './child-process';
import { CommandRecorder } from './command-recorder';
import { withNoopHandler } from './noop-job.handler';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(withNoopHandler(WorkerModule.forRoot(config)), {
    logger: new ConsoleLogger({ json: true }),
  });
  const recorder = new CommandRecorder();
  // No job can have run yet: the bench orders nothing before this process says ready.
  recorder.attach(app.get(Dom0Connections).pool);
  app.enableShutdownHooks();
  process.on('message', (message: ChildMessage) => {
    if (message.type === 'recording') process.send!({ type: 'recording', entries: recorder.entries() });
  });
  process.send!({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
