export * from './xen-argument.error';
export * from './xen-parse.error';
