import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readZip } from '../../fixtures/zipRead';
import { readManifest } from '../../../src/layer/manifest';
import { isRuntime } from '../../../src/layer/runtimes';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

const hostMinor = Number(execFileSync('python3', ['-c', 'import sys; print(sys.version_info[1])']).toString().trim());
const hostRuntime = `python3.${hostMinor}`;

test('two builds of the same inputs give byte-identical zips (with and without bytecode)', async () => {
  const runtimes = [hostMinor === 12 ? 'python3.13' : 'python3.12', ...(isRuntime(hostRuntime) ? [hostRuntime] : [])];
  for (const runtime of runtimes) {
    const req = await ws.requirements(runtime === 'python3.11' ? ['app', 'm2014'] : ['app']);
    const first = await ws.build(req, runtime, 'x86_64', { force: true });
    const bytes1 = await readFile(first.zipPath);
    const second = await ws.build(req, runtime, 'x86_64', { force: true });
    assert.equal(second.reused, false);
    assert.ok(bytes1.equals(await readFile(second.zipPath)), `${runtime}: identical bytes`);
    assert.equal(first.manifest.sha256, second.manifest.sha256);
    assert.equal(first.manifest.bytecode, runtime === hostRuntime ? 'unchecked-hash' : 'none');
  }
});

test('the cache: unchanged inputs reuse the zip at once; changed inputs or force rebuild', async () => {
  const req = await ws.requirements(['purepkg==1.2.0']);
  const first = await ws.build(req, 'python3.12', 'arm64', { name: 'cached' });
  const before = await stat(first.zipPath);
  const t0 = performance.now();
  const again = await ws.build(req, 'python3.12', 'arm64', { name: 'cached' });
  const reuseMs = performance.now() - t0;
  assert.equal(again.reused, true);
  assert.ok(reuseMs < 500, `reuse took ${reuseMs} ms`);
  assert.equal((await stat(first.zipPath)).mtimeMs, before.mtimeMs);
  assert.equal(again.manifest.cacheKey, first.manifest.cacheKey);

  assert.equal((await ws.build(req, 'python3.12', 'arm64', { name: 'cached', force: true })).reused, false, 'force');
  assert.equal(
    (await ws.build(req, 'python3.12', 'arm64', { name: 'cached', env: { ...ws.env, PIP_PRE: '1' } })).reused,
    false,
    'pip settings',
  );
  await writeFile(req, 'purepkg\n');
  const changed = await ws.build(req, 'python3.12', 'arm64', { name: 'cached' });
  assert.equal(changed.reused, false, 'requirements changed');
  assert.notEqual(changed.manifest.cacheKey, first.manifest.cacheKey);
  // A zip that no longer matches its manifest is rebuilt, not trusted.
  await writeFile(changed.zipPath, 'garbage');
  const repaired = await ws.build(req, 'python3.12', 'arm64', { name: 'cached' });
  assert.equal(repaired.reused, false);
  assert.deepEqual(await readManifest(repaired.manifestPath), repaired.manifest);
});

test(
  "zip layout, modes and manifest; extracted into a fake /opt it imports with Lambda's sys.path and reports its version",
  { skip: !isRuntime(hostRuntime) && 'host Python is not a Lambda runtime version' },
  async () => {
    const req = await ws.requirements(['app==0.3.0']);
    const result = await ws.build(req, hostRuntime, 'x86_64', { name: 'importable' });
    const entries = await readZip(result.zipPath);
    assert.ok(entries.every((e) => e.name.startsWith('python/')));
    assert.ok(entries.every((e) => e.mode === (e.name.endsWith('/') ? 0o40755 : 0o100644)));
    assert.ok(
      entries.some((e) => e.name === 'python/purepkg-1.2.0.dist-info/METADATA'),
      'dist-info kept',
    );
    const pyc = entries.find((e) => e.name === `python/purepkg/__pycache__/__init__.cpython-3${hostMinor}.pyc`);
    assert.ok(pyc, 'bytecode when host Python = runtime');
    assert.equal(pyc.data.readUInt32LE(4), 1, 'PEP 552 flags: hash-based, unchecked');

    const m = result.manifest;
    assert.equal(m.fileCount, entries.filter((e) => !e.name.endsWith('/')).length);
    assert.equal(
      m.unzippedSize,
      entries.reduce((n, e) => n + e.data.length, 0),
    );
    assert.equal(m.zippedSize, (await stat(result.zipPath)).size);
    assert.match(m.sha256, /^[0-9a-f]{64}$/);
    assert.equal(Buffer.from(m.codeSha256, 'base64').toString('hex'), m.sha256);
    assert.equal(m.runtime, hostRuntime);
    assert.equal(m.zipFile, 'importable.zip');
    assert.equal(m.publishViaS3, false);

    const opt = join(ws.dir, 'opt');
    await mkdir(opt);
    const unzip = spawnSync('unzip', ['-q', result.zipPath, '-d', opt]);
    if (unzip.error) {
      for (const e of entries) {
        if (e.name.endsWith('/')) await mkdir(join(opt, e.name), { recursive: true });
        else await writeFile(join(opt, e.name), e.data);
      }
    } else {
      assert.equal((await stat(join(opt, 'python', 'purepkg', '__init__.py'))).mode & 0o777, 0o644);
      assert.equal((await stat(join(opt, 'python', 'purepkg'))).mode & 0o777, 0o755);
    }
    assert.ok((await readdir(join(opt, 'python'))).includes('app'));
    const script = [
      'import sys',
      `sys.path[:] = [${JSON.stringify(join(opt, 'python', 'lib', `python3.${hostMinor}`, 'site-packages'))}, ${JSON.stringify(join(opt, 'python'))}] + [p for p in sys.path if 'site-packages' not in p and p]`,
      'import importlib.metadata, purepkg, app',
      'print(importlib.metadata.version("purepkg"), importlib.metadata.version("app"), purepkg.__version__, purepkg.__file__)',
    ].join('\n');
    const out = execFileSync('python3', ['-I', '-c', script], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    })
      .toString()
      .trim();
    assert.equal(out, `1.2.0 0.3.0 1.2.0 ${join(opt, 'python', 'purepkg', '__init__.py')}`);
  },
);
