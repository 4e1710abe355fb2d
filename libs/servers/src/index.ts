export * from './server.entity';
export * from './server-disk.entity';
