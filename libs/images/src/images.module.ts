import { Module } from '@nestjs/common';
import { ImageRepository } from './image.repository';
import { ImageService } from './image.service';

@Module({ providers: [ImageRepository, ImageService], exports: [ImageService, ImageRepository] })
export class ImagesModule {}
