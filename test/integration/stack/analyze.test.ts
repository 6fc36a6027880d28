import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCli, type CliRun } from '../../helpers/cli';
import {
  makeZip,
  withSandbox,
  TEST_ROLE,
  type TestSandbox,
  type ZipEntry,
  sandboxSession,
} from '../../helpers/sandbox';
import { functionWarnings } from '../../../src/ops/attach';
import type { OpsSession } from '../../../src/ops/session';
import { analyzeFunction } from '../../../src/stack/analyze';
import { ZipCache } from '../../../src/stack/zipCache';

let dir: string;
let sandbox: TestSandbox;
let session: OpsSession;

before(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'stack-int-'));
  sandbox = await withSandbox({ updateDelayMs: 20 });
  session = sandboxSession(sandbox);
});
after(async () => {
  session?.dispose();
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const SITE = 'python/lib/python3.12/site-packages';

/** An installed distribution's files under `root` (a package folder and its dist-info). */
function dist(root: string, name: string, version: string): ZipEntry[] {
  const prefix = root ? `${root}/` : '';
  return [
    { name: `${prefix}${name}/__init__.py`, data: `__version__ = "${version}"\n` },
    {
      name: `${prefix}${name}-${version}.dist-info/METADATA`,
      data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    },
  ];
}

const declared = (entries: ZipEntry[]) => entries.reduce((s, e) => s + Buffer.byteLength(e.data ?? ''), 0);

async function publish(name: string, entries: ZipEntry[]): Promise<string> {
  const v = await session.gateway.publishLayerVersion({
    layerName: name,
    zipFile: makeZip(entries, { deflate: true }),
    compatibleRuntimes: ['python3.12'],
  });
  return v.LayerVersionArn!;
}

async function createFunction(name: string, code: ZipEntry[], layers: string[]): Promise<void> {
  await session.gateway.createFunction({
    name,
    runtime: 'python3.12',
    handler: 'app.handler',
    role: TEST_ROLE,
    zip: makeZip(code, { deflate: true }),
    layers,
  });
  await session.gateway.waitForFunctionUpdated(name);
}

/** The CLI signing with the sandbox's keys, the zip cache under `cacheHome`. */
function cli(args: string[], cacheHome: string): Promise<CliRun> {
  return runCli(args, cliEnv({ XDG_CACHE_HOME: cacheHome }));
}

test(
  'a module in the function code and two layers: exact totals, the right winners, the runtime shadowed; cached the second time',
  { timeout: 120_000 },
  async () => {
    const l1Files = [
      ...dist('python', 'requests', '2.0.0'),
      ...dist(SITE, 'botocore', '1.20.0'),
      ...dist('python', 'attrs', '21.0'),
    ];
    const l2Files = [
      ...dist('python', 'requests', '2.31.0'),
      ...dist('python', 'attrs', '23.1'),
      { name: 'bin/tool', data: 'x'.repeat(1000) },
    ];
    const code = [
      { name: 'app.py', data: 'import requests\ndef handler(e, c):\n    return 1\n' },
      { name: 'requests/__init__.py', data: '# vendored\n' },
    ];
    const l1 = await publish('stack-one', l1Files);
    const l2 = await publish('stack-two', l2Files);
    await createFunction('stack-fn', code, [l1, l2]);

    const cacheDir = join(dir, 'cache');
    const first = new ZipCache(join(cacheDir, 'zips'));
    const report = await analyzeFunction(session.gateway, 'stack-fn', { cache: first });
    assert.deepEqual(
      report.budget.parts.map((p) => [p.source, p.unzipped]),
      [
        ['function', declared(code)],
        [l1, declared(l1Files)],
        [l2, declared(l2Files)],
      ],
    );
    assert.equal(report.budget.total, declared(code) + declared(l1Files) + declared(l2Files));
    const winners = Object.fromEntries(report.shadowed.map((s) => [s.module, s.winner]));
    assert.deepEqual(winners, { attrs: l2, botocore: l1, requests: 'function' });
    assert.deepEqual(
      report.shadowed.find((s) => s.module === 'botocore')!.providers.map((p) => p.source),
      [l1, 'runtime'],
    );
    assert.equal(first.downloads, 3);

    const second = new ZipCache(join(cacheDir, 'zips'));
    await analyzeFunction(session.gateway, 'stack-fn', { cache: second });
    assert.equal(second.downloads, 0, 'a second analysis downloads nothing');

    const out = await cli(
      ['analyze', 'stack-fn', '--json', '--endpoint', sandbox.url, '--region', 'us-east-1'],
      cacheDir,
    );
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout);
    assert.equal(json.budget.limit, 262_144_000);
    assert.equal(json.budget.total, report.budget.total);
    assert.deepEqual(json.budget.parts[0], { source: 'function', unzipped: declared(code) });
    const requests = json.shadowed.find((s: { module: string }) => s.module === 'requests');
    assert.deepEqual(requests, {
      module: 'requests',
      providers: [
        { source: 'function', version: null },
        { source: l2, version: '2.31.0' },
        { source: l1, version: '2.0.0' },
      ],
      winner: 'function',
    });
    assert.deepEqual(
      json.imports.map((i: { module: string }) => i.module).sort(),
      ['attrs', 'botocore'],
      'requests wins from the function code, which no package claims',
    );
    assert.ok(json.imports.every((i: { ms: number; share: number }) => i.ms >= 0 && i.share >= 0 && i.share <= 1));
    const text = await cli(['analyze', 'stack-fn', '--skip-imports', '--endpoint', sandbox.url], cacheDir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /requests !: function > .*stack-two:1 2\.31\.0 > .*stack-one:1 2\.0\.0/);

    const diff = await cli(['diff', l1, l2, '--json', '--endpoint', sandbox.url], cacheDir);
    assert.equal(diff.code, 0, diff.stderr);
    const changes = Object.fromEntries(
      JSON.parse(diff.stdout).changes.map((c: { name: string; kind: string }) => [c.name, c.kind]),
    );
    assert.deepEqual(changes, { botocore: 'removed', requests: 'upgraded', attrs: 'upgraded' });
    const zipPath = join(dir, 'built.zip');
    await fs.writeFile(zipPath, makeZip(dist('python', 'requests', '2.32.3')));
    const vsZip = await cli(['diff', l2, zipPath, '--endpoint', sandbox.url], cacheDir);
    assert.equal(vsZip.code, 0, vsZip.stderr);
    assert.match(vsZip.stdout, /↑ requests 2\.31\.0 → 2\.32\.3/);
    assert.match(vsZip.stdout, /- attrs 23\.1/);
    const bad = await cli(['diff', 'nope', zipPath], cacheDir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /neither a zip file nor a layer version ARN/);
  },
);

test(
  'a stack over the limit: the guard says so from the cached exact sizes, and the endpoint refuses it',
  { timeout: 120_000 },
  async () => {
    const MB = 1024 * 1024;
    const big = await publish('stack-big', [{ name: 'python/blob.bin', data: Buffer.alloc(140 * MB) }]);
    const more = await publish('stack-more', [{ name: 'python/blob2.bin', data: Buffer.alloc(125 * MB) }]);
    await createFunction('stack-heavy', [{ name: 'app.py', data: 'x = 1\n' }], [big]);
    const cache = new ZipCache(join(dir, 'cache-heavy'));
    const report = await analyzeFunction(session.gateway, 'stack-heavy', { cache });
    assert.equal(report.budget.total, 140 * MB + 6);
    assert.equal(report.budget.level, 'ok');
    const moreVersion = await session.gateway.getLayerVersionByArn(more);
    await cache.zip(moreVersion.Content!.CodeSha256!, moreVersion.Content!.Location);
    await cache.rememberUnzipped(moreVersion.Content!.CodeSha256!, 125 * MB, more);

    const config = await session.gateway.getFunctionConfiguration('stack-heavy');
    const wouldBe = {
      ...config,
      Layers: [...(config.Layers ?? []), { Arn: more, CodeSize: moreVersion.Content!.CodeSize }],
    };
    const warnings = functionWarnings({ arn: more }, wouldBe, await cache.knownSizes());
    assert.ok(
      warnings.some((w) => /over the .* limit; Lambda will refuse it/.test(w) && !/at least/.test(w)),
      warnings.join('\n'),
    );

    await assert.rejects(
      session.gateway.updateFunctionLayers('stack-heavy', [big, more]),
      /exceeds the maximum allowed size of 262144000 bytes/,
    );
  },
);
