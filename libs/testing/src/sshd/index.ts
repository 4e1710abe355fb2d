export * from './start-sshd';
