export * from './protocol';
export * from './host-runner';
export * from './agent-core';
export * from './agent-session';
export { Journal } from './journal';
export { ObjectLocks } from './object-locks';
export { newOwner, type Owner } from './owner';
