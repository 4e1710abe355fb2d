import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ImageService } from '@carve/images';
import { OperatorRoute, ReadRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { rejectNulls } from '../http/reject-nulls';
import { UuidParam } from '../http/uuid-param';
import { CreateImageDto, ImageListQuery, UpdateImageDto } from './image.dto';
import { ImagePage, ImageView } from './image.view';

/** OS templates: the operator manages them, every authenticated user reads them to pick one for a server. */
@ApiTags('images')
@Controller('v1/images')
export class ImagesController {
  constructor(private readonly images: ImageService) {}

  @Post()
  @OperatorRoute(409)
  @ApiCreatedResponse({ type: ImageView })
  async create(@Body() body: CreateImageDto): Promise<ImageView> {
    return ImageView.of(await this.images.create(body));
  }

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: ImagePage })
  async list(@Query() query: ImageListQuery): Promise<ImagePage> {
    const page = await this.images.list(pageRequest(query), { name: query.name });
    return { items: page.items.map(ImageView.of), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ReadRoute(404)
  @ApiOkResponse({ type: ImageView })
  async get(@UuidParam() id: string): Promise<ImageView> {
    return ImageView.of(await this.images.get(id));
  }

  @Patch(':id')
  @OperatorRoute(404, 409)
  @ApiOkResponse({ type: ImageView })
  async update(@UuidParam() id: string, @Body() body: UpdateImageDto): Promise<ImageView> {
    return ImageView.of(await this.images.update(id, rejectNulls(body, ['description'])));
  }

  @Delete(':id')
  @HttpCode(204)
  @OperatorRoute(404, 409)
  async remove(@UuidParam() id: string): Promise<void> {
    await this.images.remove(id);
  }
}
