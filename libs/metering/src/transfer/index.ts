export * from './pool-transfer-usage';
export * from './transfer-alerts';
export * from './transfer-month';
export * from './transfer-usage.repository';
export * from './transfer.module';
