import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { archivePathProblems } from './archive-path';
import { Image } from './image.entity';
import { ImageRepository } from './image.repository';

export type ImageInput = { name: string; description?: string | null; archivePath: string };

/** The operator's OS templates. Everyone may read them: customers pick one when ordering. */
@Injectable()
export class ImageService {
  constructor(private readonly images: ImageRepository) {}

  async create(input: ImageInput): Promise<Image> {
    checkPath(input.archivePath);
    return this.saving(input.name, () => this.images.insert({ name: input.name, description: input.description ?? null, archivePath: input.archivePath }));
  }

  async list(page: PageRequest, filter: { name?: string }): Promise<Page<Image>> {
    return toPage(await this.images.list(page, filter), page.limit, (i) => i);
  }

  async get(id: string): Promise<Image> {
    const image = await this.images.findById(id);
    if (!image) throw new NotFoundError('image', id);
    return image;
  }

  async update(id: string, changes: Partial<ImageInput>): Promise<Image> {
    if (changes.archivePath !== undefined) checkPath(changes.archivePath);
    return this.saving(changes.name ?? '', () =>
      this.images.transaction(async (manager) => {
        const image = await this.images.lockById(id, manager);
        if (!image) throw new NotFoundError('image', id);
        if (changes.name !== undefined) image.name = changes.name;
        if (changes.description !== undefined) image.description = changes.description;
        if (changes.archivePath !== undefined) image.archivePath = changes.archivePath;
        return this.images.save(image, manager);
      }),
    );
  }

  /** Takes the image out of the catalog once no live server uses it; deleted servers keep referring to it. */
  async remove(id: string): Promise<void> {
    await this.images.transaction(async (manager) => {
      const image = await this.images.lockById(id, manager);
      if (!image) throw new NotFoundError('image', id);
      const servers = await this.images.liveServerCount(id, manager);
      if (servers > 0) {
        throw new ConflictError('image_in_use', `Image ${image.name} is used by ${servers} server(s); it can be deleted once they are gone.`, { serverCount: servers });
      }
      await this.images.delete(id, manager, new Date());
    });
  }

  private async saving<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'images_name_key') {
        throw new ConflictError('duplicate_image_name', `An image named ${name} already exists (names are compared without case).`, {
          fields: [{ field: 'name', message: 'is already taken' }],
        });
      }
      throw error;
    }
  }
}

function checkPath(path: string): void {
  const problems = archivePathProblems(path);
  if (problems.length > 0) throw new InvalidInputError(problems);
}
