export * from './console-hub';
export * from './console-hub.service';
export * from './console-upstream';
export * from './exec-console-upstream';
export * from './console-ticket.service';
export * from './console-access.service';
export * from './console.module';
