export * from './pool.entity';
export * from './pool-size-change.entity';
export * from './customer-pool-ceiling.entity';
