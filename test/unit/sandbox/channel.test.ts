import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChannelReader,
  MAX_HEADER_BYTES,
  MAX_RESULT_BYTES,
  type ChannelMessage,
} from '../../../src/sandbox/runtime/channel';
import { prng } from '../../fixtures/prng';

interface Seen {
  messages: ChannelMessage[];
  errors: string[];
  /** Messages delivered after the protocol error (must stay empty). */
  late: number;
}

/** Feeds `wire` in the given chunk sizes (cycled) while invocation 1 waits for its outcome, then ends the pipe. */
function read(wire: Buffer, sizes: number[] = [wire.length || 1]): Seen {
  const seen: Seen = { messages: [], errors: [], late: 0 };
  const reader = new ChannelReader({
    onMessage: (m) => (seen.errors.length > 0 ? seen.late++ : seen.messages.push(m)),
    onProtocolError: (reason) => seen.errors.push(reason),
  });
  reader.expectOutcome(1);
  for (let i = 0, k = 0; i < wire.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    reader.push(wire.subarray(i, i + n));
    i += n;
  }
  reader.end();
  return seen;
}

const header = (h: unknown) => Buffer.from(`${JSON.stringify(h)}\n`);
const START = header({ type: 'start', initMs: 1.5, len: 0 });
const record = (type: string, payload: Buffer, extra: object = {}) =>
  Buffer.concat([header({ type, seq: 1, durationMs: 2, maxMemoryMb: 9, ...extra, len: payload.length }), payload]);
const VALID = Buffer.concat([START, record('result', Buffer.from('{"ok": true}\n{"x": 1}'))]);

describe('ChannelReader', () => {
  it('reassembles start and result however the pipe splits them', () => {
    for (const size of [1, 3, 7, VALID.length]) {
      const seen = read(VALID, [size]);
      assert.deepEqual(seen.errors, []);
      assert.equal(seen.messages.length, 2);
      const [start, result] = seen.messages;
      assert.deepEqual(start, { type: 'start', initMs: 1.5 });
      assert.equal(result.type, 'result');
      assert.equal(result.type === 'result' && result.payload.toString(), '{"ok": true}\n{"x": 1}');
    }
  });

  it('hands over an error record with its document parsed', () => {
    const seen = read(
      Buffer.concat([
        START,
        record('error', Buffer.from('{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}')),
      ]),
    );
    assert.deepEqual(seen.errors, []);
    const err = seen.messages[1];
    assert.equal(err.type, 'error');
    assert.equal(err.type === 'error' && err.error.errorType, 'Runtime.ImportModuleError');
  });

  it('counts a result above the response limit without keeping it', () => {
    const big = Buffer.alloc(MAX_RESULT_BYTES + 10, 0x61);
    const seen = read(Buffer.concat([START, record('result', big)]), [65536]);
    assert.deepEqual(seen.errors, []);
    const r = seen.messages[1];
    assert.equal(r.type === 'result' && r.oversizeBytes, big.length);
    assert.equal(r.type === 'result' && r.payload.length, 0);
  });

  it('counts an error document above the response limit without keeping it', () => {
    const big = Buffer.concat([
      Buffer.from('{"errorMessage":"'),
      Buffer.alloc(MAX_RESULT_BYTES, 0x6d),
      Buffer.from('"}'),
    ]);
    const seen = read(Buffer.concat([START, record('error', big)]), [65536]);
    assert.deepEqual(seen.errors, []);
    const r = seen.messages[1];
    assert.equal(r.type === 'error' && r.oversizeBytes, big.length);
    assert.equal(r.type === 'error' && r.payload.length, 0);
  });

  const bad: Array<[string, Buffer, RegExp]> = [
    ['a line that is not JSON', Buffer.from('hello from the handler\n'), /not JSON/],
    ['a header that is an array', Buffer.from('[1,2]\n'), /not a JSON object/],
    ['a header that is null', Buffer.from('null\n'), /not a JSON object/],
    ['an unknown type', header({ type: 'exec', len: 0 }), /unknown record type "exec"/],
    ['a negative len', Buffer.concat([START, header({ type: 'result', len: -5 })]), /invalid payload length -5/],
    ['a fractional len', Buffer.concat([START, header({ type: 'result', len: 1.5 })]), /invalid payload length/],
    ['a huge len', Buffer.concat([START, header({ type: 'result', len: 1e300 })]), /invalid payload length/],
    ['a string len', Buffer.concat([START, header({ type: 'result', len: '3' })]), /invalid payload length/],
    [
      'a non-numeric duration',
      Buffer.concat([START, header({ type: 'result', len: 0, durationMs: 'soon' })]),
      /invalid durationMs/,
    ],
    ['a header without a newline that keeps growing', Buffer.alloc(MAX_HEADER_BYTES + 1, 0x7b), /longer than 4096/],
    [
      'a truncated payload',
      Buffer.concat([START, record('result', Buffer.from('abcdef')).subarray(0, -2)]),
      /truncated record/,
    ],
    ['a truncated header', Buffer.concat([START, Buffer.from('{"type":"res')]), /truncated record/],
    [
      'an error body that is not JSON',
      Buffer.concat([START, record('error', Buffer.from('Traceback...'))]),
      /not a JSON object/,
    ],
    ['an error body that is null', Buffer.concat([START, record('error', Buffer.from('null'))]), /not a JSON object/],
    [
      'an error body that is a string',
      Buffer.concat([START, record('error', Buffer.from('"boom"'))]),
      /not a JSON object/,
    ],
    ['a start after the outcome', Buffer.concat([VALID, START]), /second start record/],
    [
      'a second outcome',
      Buffer.concat([VALID, record('result', Buffer.from('1'))]),
      /result record with no invocation waiting for one/,
    ],
    [
      'an outcome for another invocation',
      Buffer.concat([START, record('result', Buffer.from('1'), { seq: 2 })]),
      /result record for invocation 2 while invocation 1 is running/,
    ],
    [
      'an outcome without its invocation',
      Buffer.concat([START, record('error', Buffer.from('{}'), { seq: undefined })]),
      /error record for invocation \(none\) while invocation 1/,
    ],
    [
      'a fractional seq',
      Buffer.concat([START, record('result', Buffer.from('1'), { seq: 1.5 })]),
      /result record for invocation 1.5/,
    ],
    ['an outcome before start', record('result', Buffer.from('1')), /before start/],
    ['two starts', Buffer.concat([START, START]), /second start/],
    ['a start with a payload', record('start', Buffer.from('x')), /start record with a payload/],
  ];
  for (const [name, wire, reason] of bad) {
    it(`ends with one protocol error on ${name}`, () => {
      for (const size of [1, 5, wire.length]) {
        const seen = read(wire, [size]);
        assert.equal(seen.errors.length, 1, `${name} in chunks of ${size}: ${JSON.stringify(seen.errors)}`);
        assert.match(seen.errors[0], reason);
        assert.equal(seen.late, 0);
      }
    });
  }

  it('takes one outcome per invocation, each only once the endpoint has sent that invocation', () => {
    const seen: ChannelMessage[] = [];
    const errors: string[] = [];
    const reader = new ChannelReader({ onMessage: (m) => seen.push(m), onProtocolError: (r) => errors.push(r) });
    reader.push(START);
    for (const seq of [1, 2, 3]) {
      reader.expectOutcome(seq);
      reader.push(record(seq === 2 ? 'error' : 'result', Buffer.from('{}'), { seq }));
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(
      seen.map((m) => [m.type, 'seq' in m ? m.seq : undefined]),
      [
        ['start', undefined],
        ['result', 1],
        ['error', 2],
        ['result', 3],
      ],
    );
    reader.push(record('result', Buffer.from('{}'), { seq: 4 }));
    assert.deepEqual(errors, ['result record with no invocation waiting for one']);
  });

  it('never throws and never grows on random bytes, mutated records and random chunking (seeded fuzz)', () => {
    const valids = [
      VALID,
      Buffer.concat([
        START,
        record('error', Buffer.from('{"errorMessage":"m","errorType":"ValueError","stackTrace":[]}')),
      ]),
      Buffer.concat([START, record('result', Buffer.alloc(0))]),
    ];
    const mutations: Array<(b: Buffer, r: () => number) => Buffer> = [
      (b, r) => Buffer.from(b.map((x) => (r() < 0.05 ? Math.floor(r() * 256) : x))),
      (b, r) => b.subarray(0, Math.floor(r() * b.length)),
      (b, r) => {
        const at = Math.floor(r() * b.length);
        return Buffer.concat([b.subarray(0, at), randomBytes(r, 1 + Math.floor(r() * 20)), b.subarray(at)]);
      },
      (b, r) => {
        const at = Math.floor(r() * b.length);
        return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(r() * 8))]);
      },
      (b) => Buffer.concat([b, b]),
      (b, r) =>
        Buffer.from(
          b
            .toString('latin1')
            .replace(/"len":\d+/, `"len":${[-1, 0, 2 ** 53, 1e21, 7.5, 'null'][Math.floor(r() * 6)]}`),
          'latin1',
        ),
      (_b, r) => randomBytes(r, Math.floor(r() * 300)),
      (b, r) => Buffer.concat([randomBytes(r, Math.floor(r() * 10)), Buffer.from('\n'), b]),
    ];
    for (let seed = 1; seed <= 3000; seed++) {
      const r = prng(seed);
      let wire: Buffer = valids[seed % valids.length];
      const rounds = 1 + Math.floor(r() * 3);
      for (let i = 0; i < rounds; i++) wire = mutations[Math.floor(r() * mutations.length)](wire, r);
      const sizes = Array.from({ length: 4 }, () => 1 + Math.floor(r() * 16));
      let seen: Seen;
      assert.doesNotThrow(() => (seen = read(wire, sizes)), `seed ${seed}`);
      seen = seen!;
      assert.ok(seen.errors.length <= 1, `seed ${seed}: ${seen.errors.length} errors`);
      assert.equal(seen.late, 0, `seed ${seed}: a message after the protocol error`);
      // What was delivered is a valid prefix of the protocol: start, then at most one outcome.
      assert.ok(seen.messages.length <= 2, `seed ${seed}`);
      if (seen.messages[0]) assert.equal(seen.messages[0].type, 'start', `seed ${seed}`);
      const outcome = seen.messages[1];
      if (outcome?.type === 'error') assert.equal(typeof outcome.error, 'object', `seed ${seed}`);
      if (outcome?.type === 'result') assert.ok(Buffer.isBuffer(outcome.payload), `seed ${seed}`);
      // A complete exchange either parses cleanly or is reported; silence on leftover bytes is not allowed.
      if (seen.errors.length === 0 && wire.length > 0)
        assert.ok(seen.messages.length > 0, `seed ${seed}: bytes ignored without an error`);
    }
  });
});

function randomBytes(r: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
}
