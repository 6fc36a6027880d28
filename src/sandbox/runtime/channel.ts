import { MAX_RESPONSE_PAYLOAD_BYTES } from '../limits';

/**
 * A message from the bootstrap on its control channel (the child's stdout): a JSON header line, then `len` raw
 * payload bytes. `start` after init, then one outcome (`result` or `error`) per invocation the endpoint sent,
 * carrying that invocation's `seq`.
 */
export type ChannelMessage = StartMessage | ResultMessage | ErrorMessage;

export interface StartMessage {
  type: 'start';
  initMs?: number;
  /** 1 when the handler could not be loaded: the environment answers its first invocation with the error and is retired. */
  initFailed?: number;
}

interface OutcomeFields {
  seq?: number;
  durationMs?: number;
  maxMemoryMb?: number;
  /** Set instead of a payload when the outcome was larger than the reader keeps (its bytes were skipped). */
  oversizeBytes?: number;
}

export interface ResultMessage extends OutcomeFields {
  type: 'result';
  payload: Buffer;
}

export interface ErrorMessage extends OutcomeFields {
  type: 'error';
  /** The error document, already checked to be a JSON object. */
  error: Record<string, unknown>;
  payload: Buffer;
}

/** A header is a few numbers; anything longer is not the bootstrap talking. */
export const MAX_HEADER_BYTES = 4096;
/**
 * Outcome bytes beyond Lambda's response limit are counted and dropped, never buffered: a result, or an error
 * document (an exception with a huge message is the handler's doing, not a broken runtime).
 */
export const MAX_RESULT_BYTES = MAX_RESPONSE_PAYLOAD_BYTES;

export interface ChannelHandlers {
  onMessage(m: ChannelMessage): void;
  /** Called at most once; nothing is delivered after it. */
  onProtocolError(reason: string): void;
}

interface Header {
  type: ChannelMessage['type'];
  len: number;
  fields: Record<string, number>;
}

/**
 * Reassembles messages from the bootstrap's control channel, however the pipe splits them. The handler can
 * write to it too, so every byte is treated as hostile: anything that is not a well-formed message in protocol
 * order (an outcome only for the invocation the endpoint is waiting for) ends the reader with one protocol
 * error (never an exception), and memory stays bounded.
 */
export class ChannelReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private header: Header | undefined;
  /** Bytes of an oversize result still to skip. */
  private skipping = 0;
  private seenStart = false;
  /** The invocation whose outcome may come next; none between invocations. */
  private pending: number | undefined;
  private failed = false;

  constructor(private readonly handlers: ChannelHandlers) {}

  /** Called before the endpoint sends invocation `seq`: its outcome is the only one accepted next. */
  expectOutcome(seq: number): void {
    this.pending = seq;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (!this.failed && this.step());
  }

  /** The pipe closed: a record cut short is a protocol error. */
  end(): void {
    if (this.failed) return;
    if (this.header || this.size > 0)
      this.fail(`truncated record (${this.size} bytes after the last complete message)`);
  }

  /** Consumes one message if it is complete; false when more bytes are needed. */
  private step(): boolean {
    if (!this.header) {
      if (this.size === 0) return false;
      const nl = this.joined().indexOf(0x0a);
      if (nl < 0) {
        if (this.size > MAX_HEADER_BYTES) this.fail(`header line longer than ${MAX_HEADER_BYTES} bytes`);
        return false;
      }
      if (nl > MAX_HEADER_BYTES) return this.fail(`header line longer than ${MAX_HEADER_BYTES} bytes`);
      const parsed = parseHeader(this.take(nl + 1).toString('utf8'));
      if (typeof parsed === 'string') return this.fail(parsed);
      const order = this.orderError(parsed.type, parsed.fields.seq);
      if (order) return this.fail(order);
      this.header = parsed;
      if (parsed.type !== 'start' && parsed.len > MAX_RESULT_BYTES) this.skipping = parsed.len;
      else if (parsed.type === 'start' && parsed.len > 0) return this.fail('start record with a payload');
    }
    const h = this.header;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, this.size);
      this.take(n);
      this.skipping -= n;
      if (this.skipping > 0) return false;
      this.header = undefined;
      const skipped = { ...h.fields, payload: Buffer.alloc(0), oversizeBytes: h.len };
      this.handlers.onMessage(
        h.type === 'error' ? { type: 'error', error: {}, ...skipped } : { type: 'result', ...skipped },
      );
      return true;
    }
    if (this.size < h.len) return false;
    this.header = undefined;
    const payload = this.take(h.len);
    if (h.type === 'start') this.handlers.onMessage({ type: 'start', ...h.fields });
    else if (h.type === 'result') this.handlers.onMessage({ type: 'result', ...h.fields, payload });
    else {
      const error = parseErrorDocument(payload);
      if (!error) return this.fail('error record whose body is not a JSON object');
      this.handlers.onMessage({ type: 'error', ...h.fields, error, payload });
    }
    return true;
  }

  private orderError(type: Header['type'], seq: number | undefined): string | undefined {
    if (type === 'start') {
      if (this.seenStart) return 'second start record';
      this.seenStart = true;
      return undefined;
    }
    if (!this.seenStart) return `${type} record before start`;
    if (this.pending === undefined) return `${type} record with no invocation waiting for one`;
    if (seq !== this.pending)
      return `${type} record for invocation ${seq ?? '(none)'} while invocation ${this.pending} is running`;
    this.pending = undefined;
    return undefined;
  }

  private fail(reason: string): false {
    this.failed = true;
    this.chunks = [];
    this.size = 0;
    this.header = undefined;
    this.handlers.onProtocolError(reason);
    return false;
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

const TYPES = new Set(['start', 'result', 'error']);
const NUMBER_FIELDS = ['initMs', 'initFailed', 'seq', 'durationMs', 'maxMemoryMb'] as const;

/** The header's fields, or why it is not one. */
function parseHeader(line: string): Header | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'header line is not JSON';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'header is not a JSON object';
  const h = raw as Record<string, unknown>;
  if (typeof h.type !== 'string' || !TYPES.has(h.type))
    return `unknown record type ${JSON.stringify(h.type)?.slice(0, 40)}`;
  if (typeof h.len !== 'number' || !Number.isSafeInteger(h.len) || h.len < 0)
    return `invalid payload length ${JSON.stringify(h.len)?.slice(0, 40)}`;
  const fields: Record<string, number> = {};
  for (const k of NUMBER_FIELDS) {
    if (h[k] === undefined) continue;
    if (typeof h[k] !== 'number' || !Number.isFinite(h[k]) || (h[k] as number) < 0) return `invalid ${k}`;
    fields[k] = h[k] as number;
  }
  return { type: h.type as Header['type'], len: h.len, fields };
}

function parseErrorDocument(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const doc: unknown = JSON.parse(payload.toString('utf8'));
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
