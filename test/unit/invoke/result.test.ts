import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunctionError, parseReport, toInvokeView } from '../../../src/invoke/result';

const enc = (s: string) => new TextEncoder().encode(s);

const COLD_LOG = [
  'START RequestId: 3f1c Version: $LATEST',
  'hello from the handler',
  'END RequestId: 3f1c',
  'REPORT RequestId: 3f1c\tDuration: 15.74 ms\tBilled Duration: 16 ms\tMemory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 130.49 ms\t',
  '',
].join('\n');

test('parseReport reads every figure of a cold start', () => {
  assert.deepEqual(parseReport(COLD_LOG), {
    requestId: '3f1c',
    durationMs: 15.74,
    billedDurationMs: 16,
    memorySizeMb: 128,
    maxMemoryUsedMb: 56,
    initDurationMs: 130.49,
  });
});

test('parseReport: warm start has no init duration, and the last REPORT line wins', () => {
  const log = `${COLD_LOG}START RequestId: 9a Version: $LATEST\nEND RequestId: 9a\nREPORT RequestId: 9a\tDuration: 1.02 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 57 MB\n`;
  const r = parseReport(log);
  assert.equal(r?.requestId, '9a');
  assert.equal(r?.durationMs, 1.02);
  assert.equal(r?.initDurationMs, undefined);
  assert.equal(parseReport('no report here'), undefined);
});

test('parseReport tolerates CRLF and unknown fields', () => {
  const r = parseReport('REPORT RequestId: x\tDuration: 3 ms\tRestore Duration: 5 ms\tMax Memory Used: 9 MB\r\n');
  assert.deepEqual(r, { requestId: 'x', durationMs: 3, maxMemoryUsedMb: 9 });
});

test('parseFunctionError reads the Python runtime error payload', () => {
  const payload = JSON.stringify({
    errorMessage: 'boom',
    errorType: 'ValueError',
    requestId: 'r1',
    stackTrace: ['  File "/var/task/app.py", line 3, in handler\n    raise ValueError("boom")\n'],
  });
  const e = parseFunctionError(payload, 'Unhandled');
  assert.equal(e.kind, 'Unhandled');
  assert.equal(e.type, 'ValueError');
  assert.equal(e.message, 'boom');
  assert.equal(e.stack.length, 1);
  assert.match(e.stack[0], /line 3, in handler/);
});

test('parseFunctionError: timeout without a type, plain text and JSON strings', () => {
  const t = parseFunctionError(
    '{"errorMessage":"2024-01-01T00:00:00Z r1 Task timed out after 3.00 seconds"}',
    'Unhandled',
  );
  assert.equal(t.type, undefined);
  assert.match(t.message, /Task timed out/);
  assert.deepEqual(parseFunctionError('not json', 'Handled'), { kind: 'Handled', message: 'not json', stack: [] });
  assert.equal(parseFunctionError('"just a string"', 'Unhandled').message, 'just a string');
});

test('toInvokeView pretty-prints JSON payloads and finds request id and cold start', () => {
  const v = toInvokeView({
    statusCode: 200,
    payload: enc('{"a":[1,2]}'),
    logTail: COLD_LOG,
    executedVersion: '$LATEST',
  });
  assert.equal(v.ok, true);
  assert.equal(v.payloadIsJson, true);
  assert.equal(v.payloadText, '{\n  "a": [\n    1,\n    2\n  ]\n}');
  assert.equal(v.requestId, '3f1c');
  assert.equal(v.coldStart, true);
  assert.equal(v.logTruncated, false);
  assert.equal(v.executedVersion, '$LATEST');
});

test('toInvokeView keeps non-JSON payloads as text and marks function errors as not ok', () => {
  const text = toInvokeView({ statusCode: 200, payload: enc('plain <b>text</b>') });
  assert.equal(text.payloadIsJson, false);
  assert.equal(text.payloadText, 'plain <b>text</b>');
  assert.equal(text.log, undefined);

  const err = toInvokeView({
    statusCode: 200,
    functionError: 'Unhandled',
    payload: enc('{"errorMessage":"x","errorType":"KeyError","requestId":"rq-7","stackTrace":[]}'),
  });
  assert.equal(err.ok, false);
  assert.equal(err.functionError?.type, 'KeyError');
  assert.equal(err.requestId, 'rq-7');
});

test('toInvokeView: empty payload (Event / DryRun) and a truncated 4 KB log tail', () => {
  const v = toInvokeView({ statusCode: 202, payload: new Uint8Array(), logTail: 'x'.repeat(4096) });
  assert.equal(v.ok, true);
  assert.equal(v.payloadText, '');
  assert.equal(v.payloadBytes, 0);
  assert.equal(v.logTruncated, true);
});
