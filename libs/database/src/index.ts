export * from './data-source-options';
export * from './database.module';
export * from './pg-errors';
export * from './newest-first';
