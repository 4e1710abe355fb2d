export * from './carve-config';
export * from './config-error';
export * from './config.module';
