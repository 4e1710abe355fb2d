export * from './cpu-use';
export * from './cpu-summary';
