import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkJson } from '../../../src/invoke/jsonCheck';
import {
  createTestEvent,
  eventFolderName,
  functionEventsDir,
  listTestEvents,
  payloadFromText,
  readEventPayload,
  validateEventName,
} from '../../../src/invoke/testEvents';
import { UserError } from '../../../src/util/errors';

async function withWorkspace(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'll-events-'));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('checkJson locates errors by line and column', () => {
  const cases: [string, number, number, RegExp][] = [
    ['{\n  "a": 1,\n}', 3, 1, /property name/],
    ['{"a": }', 1, 7, /JSON value/],
    ['{\n  "key": "value"\n  "next": 2\n}', 3, 3, /Unexpected "\\"next\\""; expected ","/],
    ['[1, 2', 1, 6, /end of JSON; expected "," or "\]"/],
    ["{'a': 1}", 1, 2, /property name in double quotes/],
    ['{"a": tru}', 1, 7, /Unexpected "tru"; expected a JSON value/],
    ['{"a": 1} x', 1, 10, /end of the JSON text/],
    ['', 1, 1, /end of JSON/],
    ['{"a": "line\nbreak"}', 1, 7, /Unterminated string.*line breaks/],
    ['{"a": "tab\there"}', 1, 7, /control characters/],
    ['{"a": "\\q"}', 1, 7, /escape sequence/],
    ['{"a": 01}', 1, 8, /expected ","/],
    ['{"a" 1}', 1, 6, /expected ":"/],
    ['[1,]', 1, 4, /JSON value/],
    ['// note\n{}', 1, 1, /comments/],
    ['['.repeat(200_000), 1, 1, /nested too deeply/],
  ];
  for (const [text, line, column, message] of cases) {
    const r = checkJson(text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.deepEqual([r.line, r.column], [line, column], `position for ${JSON.stringify(text)}: ${r.message}`);
    assert.match(r.message, message, text);
  }
});

test('checkJson accepts any JSON value and a BOM', () => {
  for (const text of [
    '{}',
    '[]',
    '"s"',
    '-1.5e3',
    'null',
    ' {"a":[true,false,{"b":"\\u00e9\\n"}]} ',
    '\ufeff{"x":1}',
  ]) {
    assert.equal(checkJson(text).ok, true, text);
  }
});

test('payloadFromText names the source and position in a UserError', () => {
  assert.throws(
    () => payloadFromText('{\n  "a": 1,\n}', 'order.json'),
    (e: unknown) => e instanceof UserError && /order\.json is not valid JSON \(line 3, column 1\)/.test(e.message),
  );
  assert.equal(new TextDecoder().decode(payloadFromText('\ufeff{"a":1}', 'x')), '{"a":1}');
});

test('events with Windows line endings: accepted as they are, errors placed on the right line and column', () => {
  assert.equal(
    new TextDecoder().decode(payloadFromText('{\r\n  "a": 1\r\n}\r\n', 'crlf.json')),
    '{\r\n  "a": 1\r\n}\r\n',
  );
  const r = checkJson('{\r\n  "a": 1,\r\n  "b" 2\r\n}');
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.line, r.column], [3, 7]);
});

test('create, list and read events; never overwrite', async () => {
  await withWorkspace(async (root) => {
    assert.deepEqual(await listTestEvents(root, 'my-fn'), []);
    const created = await createTestEvent(root, 'my-fn', 'hello');
    assert.equal(created.path, join(root, '.lambda-layers', 'events', 'my-fn', 'hello.json'));
    assert.equal(await readFile(created.path, 'utf8'), '{}\n');
    await createTestEvent(root, 'my-fn', 'another.json', '{"k": "v"}');
    await assert.rejects(
      createTestEvent(root, 'my-fn', 'hello', '[]'),
      (e: unknown) => e instanceof UserError && /already exists/.test((e as Error).message),
    );
    assert.equal(await readFile(created.path, 'utf8'), '{}\n');

    await writeFile(join(functionEventsDir(root, 'my-fn'), 'notes.txt'), 'ignored');
    const events = await listTestEvents(root, 'my-fn');
    assert.deepEqual(
      events.map((e) => e.name),
      ['another', 'hello'],
    );
    assert.equal(new TextDecoder().decode(await readEventPayload(events[0].path)), '{"k": "v"}');
  });
});

test('an invalid saved event is caught before sending, with its position', async () => {
  await withWorkspace(async (root) => {
    const ev = await createTestEvent(root, 'fn', 'broken', '{\n  "items": [1, 2,, 3]\n}\n');
    await assert.rejects(readEventPayload(ev.path), /broken\.json is not valid JSON \(line 2, column 18\)/);
  });
});

test('event and folder names are safe', async () => {
  assert.equal(validateEventName('ok-name_1.v2'), undefined);
  for (const bad of ['', '../x', 'a/b', '.hidden', 'x'.repeat(101), 'spa ce']) assert.ok(validateEventName(bad), bad);
  assert.equal(eventFolderName('arn:aws:lambda:us-east-1:123456789012:function:orders:prod'), 'orders');
  assert.equal(eventFolderName('orders:live'), 'orders');
  await withWorkspace(async (root) => {
    await assert.rejects(createTestEvent(root, 'fn', '../escape'), UserError);
    await mkdir(join(root, 'x'));
  });
});
