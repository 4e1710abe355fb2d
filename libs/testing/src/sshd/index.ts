export * from './ed25519-key-pair';
export * from './start-sshd';
