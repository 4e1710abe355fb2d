export * from './dom0-command';
export * from './build-command';
export * from './lvm.commands';
export * from './filesystem.commands';
export * from './write-file.commands';
export * from './xl-domain.commands';
export * from './xl-read.queries';
export * from './device-counters.query';
