import { Module } from '@nestjs/common';
import { ImagesModule } from '@carve/images';
import { ImagesController } from './images.controller';

/** The HTTP side of the images capability. */
@Module({ imports: [ImagesModule], controllers: [ImagesController] })
export class ImagesApiModule {}
