export * from './carve-error';
export * from './clock';
export * from './page';
export * from './core.module';
export * from './text/display-name';
export * from './text/ssh-public-key';
