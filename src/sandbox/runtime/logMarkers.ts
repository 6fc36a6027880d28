/**
 * Splits an environment's log pipe at the markers the bootstrap writes when a phase (init, one invocation) ends.
 * The log and the control channel are separate pipes, so a result can arrive before the last lines the handler
 * printed; the invocation is settled once its marker has come through too. Markers are expected one at a time,
 * in order; bytes that are not the expected marker (a forged or stale one included) are log text. Nothing is held
 * back but a possible start of the expected marker, so memory stays bounded whatever the handler writes.
 */
export class LogMarkers {
  private readonly queue: Array<{ marker: Buffer; onSeen: () => void }> = [];
  private carry = Buffer.alloc(0);

  constructor(private readonly onText: (text: Buffer) => void) {}

  /** The next phase ends at `marker`; `onSeen` runs once it has passed, after the text before it. */
  expect(marker: string, onSeen: () => void): void {
    this.queue.push({ marker: Buffer.from(marker), onSeen });
  }

  push(chunk: Buffer): void {
    let data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    while (data.length > 0) {
      const next = this.queue[0];
      if (!next) return this.onText(data);
      const at = data.indexOf(next.marker);
      if (at >= 0) {
        if (at > 0) this.onText(data.subarray(0, at));
        this.queue.shift();
        next.onSeen();
        data = data.subarray(at + next.marker.length);
        continue;
      }
      const keep = partialMarkerAtEnd(data, next.marker);
      if (data.length > keep) this.onText(data.subarray(0, data.length - keep));
      this.carry = Buffer.from(data.subarray(data.length - keep));
      return;
    }
  }

  /** The pipe closed: what was held back is text after all. */
  end(): void {
    if (this.carry.length > 0) this.onText(this.carry);
    this.carry = Buffer.alloc(0);
  }
}

/** How many bytes at the end of `data` could be the start of `marker`. */
function partialMarkerAtEnd(data: Buffer, marker: Buffer): number {
  for (let n = Math.min(marker.length - 1, data.length); n > 0; n--) {
    if (data.subarray(data.length - n).equals(marker.subarray(0, n))) return n;
  }
  return 0;
}
