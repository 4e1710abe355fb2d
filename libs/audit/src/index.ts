export * from './audit-actor';
export * from './audit-details';
export * from './audit-event.entity';
export * from './audit-event.repository';
export * from './audit.module';
export * from './audit.service';
export * from './audited.decorator';
