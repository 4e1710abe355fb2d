export * from './commands';
export * from './parsers';
export * from './ssh';
