import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An OS template: a root filesystem archive found at the same path on every host. */
@Entity('images')
export class Image {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 63 }) name: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) description: string | null;
  /** e.g. /var/lib/carve/images/debian-12.tar.gz: a gzipped tar of a root filesystem. */
  @Column({ type: 'varchar', length: 255, name: 'archive_path' }) archivePath: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
  /** Set when the operator deletes the image; servers installed from it keep referring to it. */
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt: Date | null;
}
