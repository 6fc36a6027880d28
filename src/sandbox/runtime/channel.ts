/** A message from the bootstrap: a JSON header line, then `len` raw payload bytes. */
export interface ChannelMessage {
  type: 'start' | 'result' | 'error';
  initMs?: number;
  durationMs?: number;
  maxMemoryMb?: number;
  payload: Buffer;
}

type Header = Omit<ChannelMessage, 'payload'> & { len: number };

/** Reassembles messages from the bootstrap's fd 3, however the pipe splits them (payloads up to several MB). */
export class ChannelReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private header: Header | undefined;

  constructor(private readonly onMessage: (m: ChannelMessage) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (!this.header) {
        const nl = this.joined().indexOf(0x0a);
        if (nl < 0) return;
        this.header = JSON.parse(this.take(nl + 1).toString('utf8')) as Header;
      }
      if (this.size < this.header.len) return;
      const { len, ...rest } = this.header;
      this.header = undefined;
      this.onMessage({ ...rest, payload: this.take(len) });
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(n: number): Buffer {
    const all = this.joined();
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return Buffer.from(all.subarray(0, n));
  }
}
