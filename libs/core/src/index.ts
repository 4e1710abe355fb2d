export * from './carve-error';
export * from './clock';
export * from './page';
export * from './core.module';
