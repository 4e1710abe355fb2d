/**
 * OpenSSH public keys as customers paste them (`type base64 [comment]`), parsed rather
 * than pattern-matched: the base64 must decode to the wire blob of RFC 4253 section 6.6 /
 * RFC 5656 / PROTOCOL.u2f whose embedded type matches the declared one, with the key
 * sizes that type has. Keys end up in a guest's authorized_keys and in carve's console
 * gateway, so anything else is refused.
 */
export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export interface SshPublicKey {
  type: SshKeyType;
  /** The base64 blob, canonical. */
  blob: string;
  /** Kept only when printable and free of shell metacharacters; otherwise dropped. */
  comment: string | null;
  /** `type blob [comment]`: what carve stores and writes. */
  line: string;
  /** Key size in bits (RSA modulus, curve size, 256 for ed25519). */
  bits: number;
}

export class SshKeyError extends Error {}

/** Letters, digits and the punctuation of `user@host`, file names and dates: nothing a shell treats specially. */
const SAFE_COMMENT = /^[A-Za-z0-9@._+=:,/ -]{1,200}$/;
const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const ECDSA_BITS: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

class WireReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  bytes(what: string): Buffer {
    if (this.offset + 4 > this.buffer.length) throw new SshKeyError(`the key data ends before its ${what}`);
    const length = this.buffer.readUInt32BE(this.offset);
    if (this.offset + 4 + length > this.buffer.length) throw new SshKeyError(`the key data ends inside its ${what} (truncated key?)`);
    const value = this.buffer.subarray(this.offset + 4, this.offset + 4 + length);
    this.offset += 4 + length;
    return value;
  }

  text(what: string): string {
    return this.bytes(what).toString('latin1');
  }

  end(): void {
    if (this.offset !== this.buffer.length) throw new SshKeyError('the key data has trailing bytes');
  }
}

function decodeBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw new SshKeyError('the key data is not base64 (truncated key?)');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') !== text) throw new SshKeyError('the key data is not canonical base64');
  return decoded;
}

function mpintBits(value: Buffer): number {
  let i = 0;
  while (i < value.length && value[i] === 0) i += 1;
  if (i === value.length) return 0;
  return (value.length - i - 1) * 8 + (32 - Math.clz32(value[i]!));
}

function keyBits(type: SshKeyType, reader: WireReader): number {
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      if (reader.bytes('public key').length !== 32) throw new SshKeyError('an ed25519 key is 32 bytes');
      if (type.startsWith('sk-')) reader.text('application');
      return 256;
    }
    case 'ssh-rsa': {
      const exponent = reader.bytes('exponent');
      const bits = mpintBits(reader.bytes('modulus'));
      if (exponent.length === 0 || exponent.length > 8 || (exponent[exponent.length - 1]! & 1) === 0) throw new SshKeyError('the RSA exponent is not a small odd number');
      if (bits < 2048 || bits > 16384) throw new SshKeyError(`an RSA key must have 2048 to 16384 bits, this one has ${bits}`);
      return bits;
    }
    default: {
      const curve = reader.text('curve name');
      if (`ecdsa-sha2-${curve}` !== type.replace(/^sk-/, '').replace('@openssh.com', '')) throw new SshKeyError(`the curve ${curve} does not match the key type`);
      const point = reader.bytes('public point');
      if (point.length !== ECDSA_POINT_BYTES[curve] || point[0] !== 0x04) throw new SshKeyError(`not an uncompressed ${curve} point`);
      if (type.startsWith('sk-')) reader.text('application');
      return ECDSA_BITS[curve]!;
    }
  }
}

/** Parses one public key line; throws SshKeyError saying what is wrong. */
export function parseSshPublicKey(input: string): SshPublicKey {
  if (typeof input !== 'string') throw new SshKeyError('must be a string');
  const line = input.trim();
  if (/[\r\n]/.test(line)) throw new SshKeyError('must be one key on one line');
  const [type, data, ...rest] = line.split(/[ \t]+/);
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type ?? '')) {
    throw new SshKeyError(`must start with a key type (${SSH_KEY_TYPES.join(', ')}); options before the type are not accepted`);
  }
  if (data === undefined) throw new SshKeyError('has no key data after its type');
  const reader = new WireReader(decodeBase64(data));
  const embedded = reader.text('type');
  if (embedded !== type) throw new SshKeyError(`the key data is a ${embedded || 'malformed'} key, not ${type}`);
  const bits = keyBits(type as SshKeyType, reader);
  reader.end();
  const commentText = rest.join(' ');
  const comment = SAFE_COMMENT.test(commentText) ? commentText : null;
  return { type: type as SshKeyType, blob: data, comment, bits, line: comment ? `${type} ${data} ${comment}` : `${type} ${data}` };
}
