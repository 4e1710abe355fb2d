export * from './host-capacity';
export * from './host.entity';
export * from './host.repository';
export * from './host.service';
export * from './inventory.module';
