import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const FILESYSTEMS = ['ext3', 'ext4', 'xfs', 'btrfs', 'swap'] as const;
export type Filesystem = (typeof FILESYSTEMS)[number];
export const DISK_ROLES = ['root', 'data', 'swap'] as const;
export type DiskRole = (typeof DISK_ROLES)[number];
export type DiskState = 'pending' | 'present' | 'removing' | 'removed';

/** One LV of a server, with the filesystem made on it. `position` is its place in the disk list (xvda = 0). */
@Entity('server_disks')
export class ServerDisk {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'server_id' }) serverId: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId: string;
  @Column({ type: 'varchar', length: 32 }) label: string;
  @Column({ type: 'varchar', length: 8 }) role: DiskRole;
  @Column({ type: 'varchar', length: 8 }) filesystem: Filesystem;
  @Column({ type: 'integer', name: 'size_gib' }) sizeGiB: number;
  @Column({ type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  inodes: number | null;
  @Column({ type: 'integer', name: 'bytes_per_inode', nullable: true }) bytesPerInode: number | null;
  /** The LV name on the host's volume group. */
  @Column({ type: 'varchar', length: 127, name: 'volume_name' }) volumeName: string;
  @Column({ type: 'integer' }) position: number;
  @Column({ type: 'varchar', length: 12, default: 'present' }) state: DiskState;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}
