export * from './drift-finding.entity';
