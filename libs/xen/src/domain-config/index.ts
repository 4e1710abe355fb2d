export * from './domain-spec';
export * from './validate-domain-spec';
export * from './render-domain-config';
export * from './parse-domain-config';
export * from './domain-limits';
