import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Image } from './image.entity';

/** Images are the operator's catalog, shared by every customer: no tenant filter. */
@Injectable()
export class ImageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string, manager?: EntityManager): Promise<Image | null> {
    return (manager ?? this.db.manager).getRepository(Image).findOne({ where: { id, deletedAt: IsNull() } });
  }

  async lockById(id: string, manager: EntityManager): Promise<Image | null> {
    return manager.getRepository(Image).createQueryBuilder('i').setLock('pessimistic_write').where('i.id = :id', { id }).andWhere('i.deleted_at IS NULL').getOne();
  }

  async list(page: PageRequest, filter: { name?: string }): Promise<Image[]> {
    const query = this.db
      .getRepository(Image)
      .createQueryBuilder('i')
      .where('i.deleted_at IS NULL');
    if (filter.name) query.andWhere('lower(i.name) = lower(:name)', { name: filter.name });
    newestFirst(query, page, 'i');
    return query.getMany();
  }

  async insert(image: Pick<Image, 'name' | 'description' | 'archivePath'>): Promise<Image> {
    const repo = this.db.getRepository(Image);
    return repo.save(repo.create(image));
  }

  async save(image: Image, manager: EntityManager): Promise<Image> {
    return manager.getRepository(Image).save(image);
  }

  /** Servers not yet deleted that were installed from the image. */
  async liveServerCount(id: string, manager: EntityManager): Promise<number> {
    // By table name: @carve/servers depends on images, not the other way round.
    const rows: { count: number }[] = await manager.query(`SELECT count(*)::int AS count FROM servers WHERE image_id = $1 AND state <> 'deleted'`, [id]);
    return rows[0]?.count ?? 0;
  }

  /** A soft delete: the image leaves the catalog; servers installed from it keep their record. */
  async delete(id: string, manager: EntityManager, at: Date): Promise<void> {
    await manager.getRepository(Image).update({ id }, { deletedAt: at });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
