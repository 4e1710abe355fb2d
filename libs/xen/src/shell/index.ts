export * from './shell-quote';
export * from './argument-validators';
