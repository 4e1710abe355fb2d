export * from './job.entity';
