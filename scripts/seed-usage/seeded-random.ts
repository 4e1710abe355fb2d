/**
 * Randomness that depends only on its inputs, never on call order: the seed's noise for
 * a server's minute is the same whether that minute is written first, last or again on a
 * second run, so a resumed run writes exactly what an uninterrupted one would have.
 */

/** FNV-1a of a string, for keys (server ids, channel names). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3's mixing of whole numbers (each split into its low and high 32 bits, so epoch minutes and milliseconds mix fully). */
export function mix32(...parts: readonly number[]): number {
  let h = 0x9747b28c;
  const add = (word: number) => {
    let k = Math.imul(word | 0, 0xcc9e2d51);
    k = Math.imul(rotl(k, 15), 0x1b873593);
    h = (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
  };
  for (const part of parts) {
    add(part % 0x1_0000_0000);
    add(Math.floor(part / 0x1_0000_0000));
  }
  h ^= parts.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniform in [0, 1). */
export function uniform(...parts: readonly number[]): number {
  return mix32(...parts) / 0x1_0000_0000;
}

/** Standard normal (Box-Muller over two uniforms of the same inputs). */
export function gaussian(...parts: readonly number[]): number {
  const u = 1 - uniform(...parts, 1);
  const v = uniform(...parts, 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
