import { Module } from '@nestjs/common';

/** The HTTP side of the images capability. */
@Module({ imports: [], controllers: [] })
export class ImagesApiModule {}
