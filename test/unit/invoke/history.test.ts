import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_FUNCTIONS,
  MAX_PAYLOAD_CHARS,
  addToHistory,
  clearHistory,
  emptyHistory,
  historyEntry,
  historyFor,
  restoreHistory,
} from '../../../src/invoke/history';
import { toInvokeView } from '../../../src/invoke/result';

const view = (payload: string, error = false) =>
  toInvokeView({
    statusCode: 200,
    payload: new TextEncoder().encode(payload),
    functionError: error ? 'Unhandled' : undefined,
    logTail:
      'REPORT RequestId: r\tDuration: 2.5 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t',
  });

test('keeps at most 10 entries per function, newest first', () => {
  let h = emptyHistory();
  for (let i = 0; i < 15; i++)
    h = addToHistory(h, 'fn', historyEntry(view(String(i)), new Date(Date.UTC(2024, 0, 1, 0, i))));
  const entries = historyFor(h, 'fn');
  assert.equal(entries.length, 10);
  assert.equal(entries[0].payload, '14');
  assert.equal(entries[9].payload, '5');
  assert.equal(entries[0].durationMs, 2.5);
  assert.equal(entries[0].at, '2024-01-01T00:14:00.000Z');
});

test('bounds the number of functions, dropping the least recently used', () => {
  let h = emptyHistory();
  for (let i = 0; i <= MAX_FUNCTIONS; i++) h = addToHistory(h, `fn${i}`, historyEntry(view('1'), new Date()));
  assert.equal(h.order.length, MAX_FUNCTIONS);
  assert.equal(historyFor(h, 'fn0').length, 0);
  assert.equal(h.order[0], `fn${MAX_FUNCTIONS}`);
});

test('truncates big payloads and records errors', () => {
  const e = historyEntry(
    view(JSON.stringify({ errorMessage: 'm'.repeat(5000), errorType: 'E' }), true),
    new Date(),
    'ev',
  );
  assert.equal(e.ok, false);
  assert.equal(e.errorType, 'E');
  assert.equal(e.eventName, 'ev');
  assert.equal(e.payloadTruncated, true);
  assert.equal(e.payload.length, MAX_PAYLOAD_CHARS);
  assert.equal(e.errorMessage?.length, MAX_PAYLOAD_CHARS);
});

test('is plain JSON: survives a serialisation round trip; restore drops junk', () => {
  let h = addToHistory(emptyHistory(), 'a', historyEntry(view('{}'), new Date(0)));
  h = addToHistory(h, 'b', historyEntry(view('[]'), new Date(0)));
  const stored = JSON.parse(JSON.stringify(h));
  assert.deepEqual(restoreHistory(stored), stored);

  assert.deepEqual(restoreHistory(undefined), emptyHistory());
  assert.deepEqual(restoreHistory({ version: 2 }), emptyHistory());
  const messy = { version: 1, order: ['a', 7, 'b', 'a'], functions: { a: [{ nope: 1 }, h.functions.a[0]], b: 'x' } };
  const restored = restoreHistory(messy);
  assert.deepEqual(restored.order, ['a']);
  assert.equal(restored.functions.a.length, 1);
});

test('clearHistory forgets one function', () => {
  let h = addToHistory(emptyHistory(), 'a', historyEntry(view('1'), new Date()));
  h = addToHistory(h, 'b', historyEntry(view('2'), new Date()));
  h = clearHistory(h, 'a');
  assert.deepEqual(h.order, ['b']);
  assert.equal(historyFor(h, 'a').length, 0);
});
