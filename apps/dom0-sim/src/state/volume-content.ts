/**
 * What an LV holds, as data the simulator can stream and checksum without keeping it in
 * memory: each 1 MiB block is generated deterministically from a seed and its index (a
 * 32-byte header naming both, then a 4 KiB pattern derived from them, repeated), unless a
 * write replaced it. A block written by `dd of=` that is a generated block of any seed (a
 * copy from another simulated LV) is recorded as just that seed; anything else is kept
 * raw. Block 0 of an LV with a filesystem reads as a superblock carrying the filesystem
 * record (type, uuid, files...), so a copied LV arrives with its filesystem.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SimFilesystem, SimLogicalVolume, SimVolumeContent } from './host-state';

export const BLOCK_BYTES = 1024 * 1024;
const PATTERN_BYTES = 4096;
const GENERATED_MAGIC = Buffer.from('CARVEGEN');
const SUPERBLOCK_MAGIC = Buffer.from('CARVEFS1');

export function newVolumeContent(): SimVolumeContent {
  return { seed: randomBytes(16).toString('hex') };
}

/** The LV's content record; an LV from an older state file gets a seed from its name. */
export function contentOf(lv: SimLogicalVolume): SimVolumeContent {
  lv.content ??= { seed: createHash('sha256').update(`lv:${lv.name}`).digest('hex').slice(0, 32) };
  return lv.content;
}

export function blockCount(lv: SimLogicalVolume): number {
  return Math.ceil(lv.sizeBytes / BLOCK_BYTES);
}

function blockLength(lv: SimLogicalVolume, index: number): number {
  return Math.min(BLOCK_BYTES, lv.sizeBytes - index * BLOCK_BYTES);
}

/** Generated blocks repeat in a volume copy, so the last few are kept. */
const generatedCache = new Map<string, Buffer>();

export function generatedBlock(seed: string, index: number, length = BLOCK_BYTES): Buffer {
  const key = `${seed}:${index}`;
  const cached = generatedCache.get(key);
  if (cached && cached.length === length) return cached;
  const seedBytes = Buffer.from(seed, 'hex');
  const header = Buffer.alloc(32);
  GENERATED_MAGIC.copy(header, 0);
  seedBytes.copy(header, 8, 0, 16);
  header.writeBigUInt64BE(BigInt(index), 24);
  const pattern = Buffer.alloc(PATTERN_BYTES);
  for (let k = 0; k < PATTERN_BYTES / 32; k += 1) {
    createHash('sha256').update(header).update(String(k)).digest().copy(pattern, k * 32);
  }
  const block = Buffer.allocUnsafe(length);
  block.fill(pattern);
  header.copy(block, 0, 0, Math.min(32, length));
  if (generatedCache.size > 64) generatedCache.delete(generatedCache.keys().next().value as string);
  generatedCache.set(key, block);
  return block;
}

function superblock(fs: SimFilesystem, length: number): Buffer {
  const json = Buffer.from(JSON.stringify(fs));
  const block = Buffer.alloc(length);
  SUPERBLOCK_MAGIC.copy(block, 0);
  block.writeUInt32BE(json.length, 8);
  json.copy(block, 12);
  return block;
}

/** Block `index` of the LV as dd would read it. */
export function readBlock(lv: SimLogicalVolume, index: number): Buffer {
  const length = blockLength(lv, index);
  if (index === 0 && lv.filesystem && JSON.stringify(lv.filesystem).length + 12 <= length) return superblock(lv.filesystem, length);
  const entry = contentOf(lv).blocks?.[String(index)];
  if (entry === undefined) return generatedBlock(contentOf(lv).seed, index, length);
  if (entry === 'z') return Buffer.alloc(length);
  if (entry.startsWith('g:')) return generatedBlock(entry.slice(2), index, length);
  const raw = Buffer.from(entry.slice(2), 'base64');
  return raw.length === length ? raw : Buffer.concat([raw, Buffer.alloc(Math.max(0, length - raw.length))]).subarray(0, length);
}

/** Stores what dd wrote at block `index`: as a seed when it is a generated block, else raw. */
export function writeBlock(lv: SimLogicalVolume, index: number, data: Buffer): void {
  const content = contentOf(lv);
  const blocks = (content.blocks ??= {});
  if (index === 0) {
    if (data.length >= 12 && data.subarray(0, 8).equals(SUPERBLOCK_MAGIC)) {
      const length = data.readUInt32BE(8);
      try {
        lv.filesystem = JSON.parse(data.subarray(12, 12 + length).toString('utf8')) as SimFilesystem;
        blocks['0'] = 'z';
        return;
      } catch {
        // not a superblock after all: kept raw below
      }
    }
    // Anything else over block 0 overwrites the superblock.
    delete lv.filesystem;
  }
  if (data.length >= 32 && data.subarray(0, 8).equals(GENERATED_MAGIC) && data.readBigUInt64BE(24) === BigInt(index)) {
    const seed = data.subarray(8, 24).toString('hex');
    if (generatedBlock(seed, index, data.length).equals(data)) {
      if (seed === content.seed) delete blocks[String(index)];
      else blocks[String(index)] = `g:${seed}`;
      return;
    }
  }
  blocks[String(index)] = data.every((b) => b === 0) ? 'z' : `r:${data.toString('base64')}`;
}

/**
 * The sha256 of an LV's bytes is remembered for exactly the content it was computed on
 * (seed, written blocks, filesystem record, size), so `sha256sum` after a full `dd` read or
 * write answers at once, as it would from a page cache, and any change recomputes it.
 */
const checksums = new WeakMap<SimLogicalVolume, { key: string; digest: string }>();

function contentKey(lv: SimLogicalVolume): string {
  return createHash('sha256')
    .update(JSON.stringify({ size: lv.sizeBytes, content: contentOf(lv), fs: lv.filesystem ?? null }))
    .digest('hex');
}

export function rememberChecksum(lv: SimLogicalVolume, digest: string): void {
  checksums.set(lv, { key: contentKey(lv), digest });
}

export function knownChecksum(lv: SimLogicalVolume): string | undefined {
  const known = checksums.get(lv);
  return known && known.key === contentKey(lv) ? known.digest : undefined;
}

export function computeChecksum(lv: SimLogicalVolume): string {
  const known = knownChecksum(lv);
  if (known) return known;
  const hash = createHash('sha256');
  for (let i = 0; i < blockCount(lv); i += 1) hash.update(readBlock(lv, i));
  const digest = hash.digest('hex');
  rememberChecksum(lv, digest);
  return digest;
}
