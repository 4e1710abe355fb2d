export * from './commands';
export * from './cpu';
export * from './domain-config';
export * from './errors';
export * from './parsers';
export * from './shell';
export * from './ssh';
export * from './client';
