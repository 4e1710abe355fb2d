/** The last `limit` bytes of a console, for viewers that join late. */
export class Scrollback {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.size += bytes.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit) this.size -= this.chunks.shift()!.length;
    if (this.size > this.limit) {
      const joined = Buffer.concat(this.chunks).subarray(this.size - this.limit);
      this.chunks = [joined];
      this.size = joined.length;
    }
  }

  snapshot(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
