export * from './agent-protocol';
export * from './agent-verb';
export * from './verbs';
export * from './procedure-commands';
export * from './agent-executor';
