import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyEntry } from '../../../src/invoke/history';
import { toInvokeView } from '../../../src/invoke/result';
import {
  displayFromHistory,
  displayFromView,
  highlightJson,
  renderInvokePage,
  type InvokePageModel,
} from '../../../src/invoke/resultPage';

const enc = (s: string) => new TextEncoder().encode(s);
const FRAME = { nonce: 'n0nce', cspSource: 'vscode-webview://x', title: 'Invoke: fn', locale: 'en' };
const LOG = [
  'START RequestId: r1 Version: $LATEST',
  'hello <world>',
  'END RequestId: r1',
  'REPORT RequestId: r1\tDuration: 15.74 ms\tBilled Duration: 16 ms\tMemory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 130.49 ms\t',
  '',
].join('\n');
const AT = new Date('2026-11-24T10:00:00.000Z');

function page(model: Partial<InvokePageModel> & Pick<InvokePageModel, 'results'>): string {
  return renderInvokePage(
    { functionName: 'fn', target: 'Local endpoint · us-east-1', selected: 0, canRerun: true, ...model },
    FRAME,
  );
}

test('a successful cold start shows status, REPORT figures, the pretty payload and the log, all escaped', () => {
  const view = toInvokeView({ statusCode: 200, payload: enc('{"html":"<b>x</b>","n":1,"ok":true}'), logTail: LOG });
  const html = page({ results: [displayFromView(view, AT, 'order')] });
  assert.match(
    html,
    /Content-Security-Policy" content="default-src 'none'; style-src vscode-webview:\/\/x 'nonce-n0nce'; script-src 'nonce-n0nce'/,
  );
  assert.match(html, /<script nonce="n0nce">/);
  assert.match(html, /Succeeded/);
  assert.match(html, /Cold start/);
  for (const figure of ['15.74 ms', '16 ms', '56 MB', 'of 128 MB', '130.49 ms'])
    assert.ok(html.includes(figure), figure);
  assert.ok(
    html.includes(
      '<span class="j-key">&quot;html&quot;</span>: <span class="j-str">&quot;&lt;b&gt;x&lt;/b&gt;&quot;</span>',
    ),
  );
  assert.ok(html.includes('<span class="j-num">1</span>') && html.includes('<span class="j-lit">true</span>'));
  assert.ok(html.includes('hello &lt;world&gt;'));
  assert.ok(!html.includes('<b>x</b>') && !html.includes('<world>'));
  assert.match(html, /<span class="muted">REPORT RequestId: r1/);
  assert.match(html, /event &quot;order&quot;/);
  assert.match(html, /data-action="rerun"/);
  assert.doesNotMatch(html, /Recent results/, 'one result has no list to pick from');
});

test('a function error shows type, message and stack; a cut log says so', () => {
  const payload = JSON.stringify({
    errorMessage: 'boom',
    errorType: 'ValueError',
    stackTrace: ['  File "/var/task/h.py", line 2, in handler\n'],
  });
  const view = toInvokeView({
    statusCode: 200,
    payload: enc(payload),
    functionError: 'Unhandled',
    logTail: 'x'.repeat(4096),
  });
  const html = page({ results: [displayFromView(view, AT)] });
  assert.match(html, /Function error \(Unhandled\)/);
  assert.match(html, /ValueError: boom/);
  assert.ok(html.includes('File &quot;/var/task/h.py&quot;, line 2, in handler'));
  assert.match(html, /last 4 KB of the log/);
  assert.match(html, /empty event \{\}/);
  assert.match(html, /<details><summary>Error response/, 'the raw error document is folded under the error');
});

test('recent results are listed with the selected one marked; a stored result says what it lacks', () => {
  const older = toInvokeView({ statusCode: 200, payload: enc('"old"') });
  const stored = displayFromHistory(historyEntry(older, new Date('2026-11-24T09:00:00.000Z'), 'first'));
  assert.equal(stored.stored, true);
  assert.equal(stored.log, undefined);
  const latest = displayFromView(toInvokeView({ statusCode: 200, payload: enc('{}'), logTail: LOG }), AT);
  const html = page({ results: [latest, stored], selected: 1 });
  assert.match(html, /Recent results/);
  assert.equal((html.match(/data-action="select"/g) ?? []).length, 2);
  assert.match(html, /<tr class="pick selected" data-action="select" data-value="1"/);
  assert.match(html, /A stored result/);
  assert.match(html, /&quot;old&quot;/);
  assert.doesNotMatch(html, /id="log"/, 'a stored result has no log');
});

test('a very long payload is cut in the page (Copy has it all) and an empty one is named', () => {
  const big = toInvokeView({ statusCode: 200, payload: enc(JSON.stringify('y'.repeat(300_000))) });
  assert.match(page({ results: [displayFromView(big, AT)] }), /Only the start of the response is shown/);
  const empty = toInvokeView({ statusCode: 200, payload: new Uint8Array() });
  assert.match(page({ results: [displayFromView(empty, AT)] }), /\(empty response\)/);
});

test('highlightJson escapes everything between tokens', () => {
  assert.equal(
    highlightJson('[1, "<a>"]'),
    '[<span class="j-num">1</span>, <span class="j-str">&quot;&lt;a&gt;&quot;</span>]',
  );
});
