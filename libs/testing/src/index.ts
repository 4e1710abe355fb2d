export * from './sshd';
export * from './test-services';
