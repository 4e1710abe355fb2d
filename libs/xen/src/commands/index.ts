export * from './dom0-command';
