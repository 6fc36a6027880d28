import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../../src/layer/report';
import { MANIFEST_VERSION, type LayerManifest } from '../../../src/layer/manifest';

const manifest: LayerManifest = {
  manifestVersion: MANIFEST_VERSION,
  toolVersion: '0.1.0',
  layerName: 'deps<b>',
  runtime: 'python3.12',
  architecture: 'x86_64',
  installer: 'pip',
  bytecode: 'none',
  zipFile: 'deps.zip',
  zippedSize: 40_000_000,
  unzippedSize: 220_000_000,
  fileCount: 10,
  sha256: 'ab'.repeat(32),
  codeSha256: 'x',
  publishViaS3: false,
  packages: [
    { name: 'small', version: '1.0', size: 1000, files: 2, topLevel: ['small'] },
    { name: '<script>alert(1)</script>', version: '"2"', size: 200_000_000, files: 5, topLevel: ['evil&co'] },
    { name: 'mid', version: '3', size: 19_000_000, files: 3, topLevel: [] },
  ],
  incompatibilities: [{ path: 'x/<y>.so', package: 'mid', reason: 'glibc', detail: 'needs GLIBC_2.28' }],
  warnings: ['close to <limit>'],
  cacheKey: 'k',
  builtAt: '2025-01-01T00:00:00.000Z',
};

test('report: self-contained, escaped, nonce-only styles, no script', () => {
  const html = renderReport(manifest, { nonce: 'n0nce"x' });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<b>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&quot;2&quot;/);
  assert.match(html, /evil&amp;co/);
  assert.match(html, /x\/&lt;y&gt;\.so/);
  assert.match(html, /close to &lt;limit&gt;/);
  assert.match(html, /style-src 'nonce-n0nce&quot;x'/);
  assert.match(html, /<style nonce="n0nce&quot;x">/);
  assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes: the CSP would block them');
  assert.doesNotMatch(html, /https?:\/\//, 'loads nothing');
});

test('report: packages largest first with proportional bars, total against the 250 MB limit', () => {
  const html = renderReport(manifest, { nonce: 'n' });
  const order = ['&lt;script&gt;', '>mid<', '>small<'].map((s) => html.indexOf(s));
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
  );
  assert.match(html, /class="pkg" width="1000"/);
  assert.match(html, /class="pkg" width="95"/);
  assert.match(html, /class="near" width="839"/, '220 MB of 262,144,000 bytes, past the 80 % mark');
  assert.match(html, /191 MB/);
  assert.match(html, /250 MB/);
});

test('report: labels can be replaced (translations) and are escaped too', () => {
  const html = renderReport(manifest, {
    nonce: 'n',
    lang: 'zh-cn',
    labels: { packages: '软件包', version: '<版本>', title: '层 {0}' },
  });
  assert.match(html, /<html lang="zh-cn">/);
  assert.match(html, /软件包/);
  assert.match(html, /&lt;版本&gt;/);
  assert.match(html, /<h1>层 deps&lt;b&gt;<\/h1>/);
});

test('report: the package sources the build used, as text (never links), and no section for older manifests', () => {
  const html = renderReport(
    {
      ...manifest,
      packageSources: [
        { kind: 'index', url: 'https://***@corp.example/simple?a=<b>', from: 'requirements.txt' },
        { kind: 'find-links', url: './wheels', from: 'PIP_FIND_LINKS' },
      ],
    },
    { nonce: 'n' },
  );
  assert.match(
    html,
    /<h2>Package sources<\/h2><ul><li><code>https:\/\/\*\*\*@corp\.example\/simple\?a=&lt;b&gt;<\/code> · index · requirements\.txt<\/li><li><code>\.\/wheels<\/code> · find-links · PIP_FIND_LINKS<\/li><\/ul>/,
  );
  assert.doesNotMatch(html, /\s(href|src)=/);
  assert.doesNotMatch(renderReport(manifest, { nonce: 'n' }), /Package sources/);
});

test('report: the share of the budget, and the import ranking heaviest first once measured (escaped, bars by share)', () => {
  const plain = renderReport(manifest, { nonce: 'n' });
  assert.match(plain, /<span id="budget-share">84% of the budget<\/span>/, '220,000,000 of 262,144,000 bytes');
  assert.doesNotMatch(plain, /import-table/, 'nothing until it was measured');
  assert.match(
    renderReport({ ...manifest, unzippedSize: 5_000_000 }, { nonce: 'n' }),
    />1\.9% of the budget</,
    'a small layer still shows its share',
  );
  const html = renderReport(manifest, {
    nonce: 'n',
    imports: {
      python: '3.12.1',
      timings: [
        { module: 'heavy', ms: 150.04, share: 0.75, msWithBytecode: 120.5 },
        { module: '<evil>', ms: 50, share: 0.25, error: 'ImportError: <libfoo>' },
      ],
    },
  });
  assert.match(html, /<h2 id="imports">Import time, measured locally \(Python 3\.12\.1\)<\/h2>/);
  const rows = html.slice(html.indexOf('id="import-table"'));
  assert.ok(rows.indexOf('>heavy<') < rows.indexOf('&lt;evil&gt;'));
  assert.match(
    rows,
    /150\.0 ms<\/td>\n<td class="num">75%<\/td>\n<td class="num">120\.5 ms<\/td>\n<td class="bar"><svg[^>]*><rect class="track"[^>]*\/><rect class="pkg" width="750"/,
  );
  assert.match(rows, /ImportError: &lt;libfoo&gt;/);
  assert.doesNotMatch(html, /<evil>/);
});

test('report of a slim build: what was left out per package, how it was proven, each file kept back and why', () => {
  const slim: LayerManifest = {
    ...manifest,
    packages: [{ ...manifest.packages[0], slimmed: { files: 3, bytes: 2_600_000 } }, manifest.packages[2]],
    slim: {
      removedFiles: 3,
      removedBytes: 2_600_000,
      keptBack: [{ path: 'small/tests/<data>.json', package: 'small', module: 'small', kind: 'tests' }],
      verification: {
        python: '3.12',
        verified: ['mid', 'small'],
        unverifiable: [{ module: 'mid', error: 'OSError: <x>' }],
      },
    },
  };
  const html = renderReport(slim, { nonce: 'n' });
  assert.match(html, /<h2 id="slim">Slim build<\/h2>/);
  assert.match(html, /Left out: 3 files, 2\.5 MB/);
  assert.match(html, /Proven: 2 top-level modules imported from a read-only copy with Python 3\.12\./);
  assert.match(html, /<code>small\/tests\/&lt;data&gt;\.json<\/code> \(small\): needed to import small/);
  assert.match(html, /<code>mid<\/code>: OSError: &lt;x&gt;/);
  assert.match(html, /<th class="num">Left out<\/th>/);
  assert.match(html, /<td class="num">2\.5 MB<\/td>/);
  const skipped = renderReport(
    {
      ...slim,
      slim: { ...slim.slim!, keptBack: [], verification: { verified: [], unverifiable: [], skipped: 'why' } },
    },
    { nonce: 'n' },
  );
  assert.match(skipped, /Not verified: why\./);
  assert.doesNotMatch(renderReport(manifest, { nonce: 'n' }), /Left out/, 'nothing about slimming in a default build');
});
