export * from './console-hub';
