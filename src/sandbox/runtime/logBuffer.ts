const MAX_LOG_BYTES = 4 * 1024 * 1024;

/** Keeps the log in memory up to a bound, dropping the oldest output first (the tail is what matters). */
export class LogBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  add(data: string | Buffer): void {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > MAX_LOG_BYTES && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[sandbox: ${this.dropped} earlier bytes of log dropped]\n${body}` : body;
  }
}
