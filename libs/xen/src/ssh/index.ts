export * from './host-key-fingerprint';
export * from './dom0-target';
export * from './dom0-executor';
export * from './dom0-transport.errors';
export * from './channel-limiter';
export * from './ssh-connection-pool';
export * from './run-command';
