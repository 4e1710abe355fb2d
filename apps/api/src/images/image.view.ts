import { ApiProperty } from '@nestjs/swagger';
import type { Image } from '@carve/images';

export class ImageView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ example: '/var/lib/carve/images/debian-12.tar.gz' }) archivePath: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(i: Image): ImageView {
    return Object.assign(new ImageView(), { id: i.id, name: i.name, description: i.description, archivePath: i.archivePath, createdAt: i.createdAt, updatedAt: i.updatedAt });
  }
}

export class ImagePage {
  @ApiProperty({ type: [ImageView] }) items: ImageView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
