import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { IsDisplayName } from '../http/text-validators';

export class CreateImageDto {
  @ApiProperty({ example: 'debian-12', description: 'Unique, compared without case' })
  @IsString()
  @IsDisplayName(63)
  @Matches(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, { message: 'must be 1-63 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit' })
  name: string;

  @ApiPropertyOptional({ example: 'Debian 12 (bookworm), minimal' })
  @IsOptional()
  @IsString()
  @IsDisplayName(200)
  description?: string;

  @ApiProperty({
    example: '/var/lib/carve/images/debian-12.tar.gz',
    description: 'Absolute path of a .tar.gz or .tar.xz root filesystem archive, the same on every host; letters, digits and . _ + / - only, no .. segment',
  })
  @IsString()
  @MaxLength(255)
  archivePath: string;
}

export class UpdateImageDto extends PartialType(CreateImageDto) {}

export class ImageListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact name, compared without case' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  name?: string;
}
