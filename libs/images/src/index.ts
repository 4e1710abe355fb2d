export * from './image.entity';
export * from './archive-path';
export * from './image.repository';
export * from './image.service';
export * from './images.module';
