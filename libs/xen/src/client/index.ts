export * from './dom0-operation.error';
export * from './dom0-client';
export * from './volume-streams';
export type { InstallImageOptions } from './install-image';
export type { CounterSample } from './sample-counters';
export { Dom0Runner } from './dom0-runner';
