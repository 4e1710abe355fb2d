export * from './event-catalog';
export * from './event.entity';
export * from './event.repository';
export * from './event.service';
export * from './events.module';
