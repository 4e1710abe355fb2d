export * from './agent-bundle.builder';
