export * from './image.entity';
