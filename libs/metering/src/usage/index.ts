export * from './counter-deltas';
export * from './split-spans';
export * from './usage-counters';
export * from './usage-input.error';
export * from './usage-span';
