export * from './host-key-fingerprint';
