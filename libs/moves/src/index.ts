export * from './host-drain.entity';
export * from './server-move.entity';
