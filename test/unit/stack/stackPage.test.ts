import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StackReport } from '../../../src/stack/analyze';
import { stackBudget } from '../../../src/stack/budget';
import { diffContents } from '../../../src/stack/diff';
import type { ZipContents } from '../../../src/stack/packages';
import { shadowingWarnings, findShadowing, type StackSource } from '../../../src/stack/shadowing';
import { renderComparePage, renderStackPage, sourceLabel } from '../../../src/stack/stackPage';

const L1 = 'arn:aws:lambda:us-east-1:123456789012:layer:deps:1';
const frame = { nonce: 'n0nce', cspSource: 'vscode-resource:', title: 't' };

function contents(unzippedBytes: number, pkgs: [string, string, number][]): ZipContents {
  return {
    unzippedBytes,
    hasBytecode: false,
    packages: pkgs.map(([name, version, size]) => ({
      ecosystem: 'python',
      name,
      version,
      dir: 'python',
      files: 1,
      size,
      modules: [name],
    })),
    modules: pkgs.map(([name, version]) => ({ ecosystem: 'python', name, dir: 'python', package: name, version })),
  };
}

function report(total: number): StackReport {
  const sources: StackSource[] = [
    { source: 'function', kind: 'function', contents: contents(1000, []) },
    { source: L1, kind: 'layer', contents: contents(total - 1000, [['botocore', '1.20.0', total - 2000]]) },
  ];
  return {
    functionName: 'fn',
    runtime: 'python3.12',
    sources: sources.map((s) => ({ ...s, codeSha256: '', zipPath: '' })),
    budget: stackBudget(sources),
    shadowed: findShadowing('python3.12', sources),
  };
}

test('the stack page: a bar segment per source, the limit marked, the shadowing table with the winner, no inline styles', () => {
  const html = renderStackPage(
    { report: report(5000), imports: [{ module: 'botocore', source: L1, ms: 80, share: 1, msWithBytecode: 30 }] },
    frame,
  );
  assert.equal((html.match(/<rect class="seg\d"/g) ?? []).length, 2);
  assert.match(html, /<line class="limit"/);
  assert.match(html, /<tr class="conflict"><td>botocore ⚠<\/td><td class="winner">deps:1 1\.20\.0<\/td>/);
  assert.match(html, /Runtime 1\.34/);
  assert.match(html, /80\.0 ms/);
  assert.doesNotMatch(html, /style="/, 'the CSP blocks inline styles');
  assert.doesNotMatch(html, /budget-notice/);
});

test('over the limit the page says Lambda refuses it; the shadowing warning names the versions', () => {
  const r = report(262_144_001);
  assert.match(renderStackPage({ report: r, imports: [] }, frame), /class="notice error" id="budget-notice"/);
  assert.deepEqual(shadowingWarnings(r.shadowed, sourceLabel), [
    'botocore: deps:1 1.20.0 is imported, not Runtime 1.34.145.',
  ]);
});

test('the compare page lists each change with its size change', () => {
  const c = diffContents(
    contents(100, [
      ['requests', '2.31.0', 50],
      ['six', '1.16.0', 10],
    ]),
    contents(120, [['requests', '2.32.3', 80]]),
  );
  const html = renderComparePage({ ...c, before: L1, after: '/tmp/deps.zip' }, frame);
  assert.match(html, /<tr class="upgraded"><td>requests<\/td>.*2\.31\.0.*2\.32\.3.*\+30 B/);
  assert.match(html, /<tr class="removed"><td>six<\/td>.*−10 B/);
});
