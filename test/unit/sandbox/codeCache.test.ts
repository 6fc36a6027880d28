import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCache } from '../../../src/sandbox/codeCache';
import { removeTree, sealTree, snapshotTree, digestTree } from '../../../src/sandbox/treeSeal';
import { silentLog, type Log } from '../../../src/util/log';
import { makeZip } from '../../helpers/sandbox';

const CODE = makeZip([
  { name: 'app.py', data: 'def handler(e, c):\n    return "original"\n' },
  { name: 'pkg/__init__.py', data: '' },
  { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o755 },
]);

describe('sealed folders', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(join(tmpdir(), 'seal-'));
    await fs.mkdir(join(root, 'pkg'));
    await fs.writeFile(join(root, 'pkg', 'mod.py'), 'x = 1\n');
    await fs.writeFile(join(root, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterEach(() => removeTree(root));

  it('are read-only, keep their execute bits and digest the same when untouched', async () => {
    const digest = await sealTree(root);
    for (const p of ['', 'pkg', 'pkg/mod.py', 'tool'])
      assert.equal((await fs.stat(join(root, p))).mode & 0o222, 0, `${p} is writable`);
    assert.equal((await fs.stat(join(root, 'tool'))).mode & 0o111, 0o111);
    assert.equal((await digestTree(root)).digest, digest);
    assert.equal(await snapshotTree(root), await snapshotTree(root));
  });

  const changes: Array<[string, (r: string) => Promise<void>]> = [
    [
      'a rewrite of the same size with the old times put back',
      async (r) => {
        const f = join(r, 'pkg', 'mod.py');
        const st = await fs.stat(f);
        await fs.chmod(f, 0o644);
        await fs.writeFile(f, 'x = 2\n');
        await fs.chmod(f, st.mode);
        await fs.utimes(f, st.atime, st.mtime);
      },
    ],
    [
      'an added file',
      async (r) => {
        await fs.chmod(join(r, 'pkg'), 0o755);
        await fs.writeFile(join(r, 'pkg', 'evil.py'), '');
      },
    ],
    [
      'a removed file',
      async (r) => {
        await fs.chmod(join(r, 'pkg'), 0o755);
        await fs.rm(join(r, 'pkg', 'mod.py'));
      },
    ],
    [
      'a file replaced by a rename',
      async (r) => {
        await fs.chmod(join(r, 'pkg'), 0o755);
        await fs.writeFile(join(r, 'pkg', 'new.py'), 'x = 1\n', { mode: 0o444 });
        await fs.rename(join(r, 'pkg', 'new.py'), join(r, 'pkg', 'mod.py'));
      },
    ],
    ['a mode change', (r) => fs.chmod(join(r, 'tool'), 0o555 | 0o4000)],
  ];
  for (const [name, change] of changes) {
    it(`notice ${name}`, async () => {
      await sealTree(root);
      const snapshot = await snapshotTree(root);
      await change(root);
      assert.notEqual(await snapshotTree(root), snapshot);
    });
  }

  it('are removed although read-only', async () => {
    await sealTree(root);
    await removeTree(root);
    await assert.rejects(fs.stat(root), { code: 'ENOENT' });
  });
});

describe('CodeCache', () => {
  let base: string;
  let zip: string;
  let warnings: string[];
  const log: Log = { ...silentLog, warn: (m: string) => void warnings.push(m) };

  beforeEach(async () => {
    base = await fs.mkdtemp(join(tmpdir(), 'code-cache-'));
    zip = join(base, 'code.zip');
    await fs.writeFile(zip, CODE);
    warnings = [];
  });
  afterEach(() => removeTree(base));

  const app = (dir: string) => fs.readFile(join(dir, 'app.py'), 'utf8');
  const tamper = async (dir: string) => {
    await fs.chmod(join(dir, 'app.py'), 0o644);
    await fs.writeFile(join(dir, 'app.py'), 'def handler(e, c):\n    return "attacker"\n');
  };

  it('extracts once, read-only, and reuses the untouched folder', async () => {
    const cache = new CodeCache(join(base, 'cache'), log);
    const dir = await cache.taskDir('abc', zip);
    assert.match(await app(dir), /original/);
    assert.equal((await fs.stat(join(dir, 'app.py'))).mode & 0o222, 0);
    const ino = (await fs.stat(join(dir, 'app.py'))).ino;
    assert.equal(await cache.taskDir('abc', zip), dir);
    assert.equal((await fs.stat(join(dir, 'app.py'))).ino, ino, 'extracted again although untouched');
    assert.deepEqual(warnings, []);
  });

  it('extracts again, never runs, a folder whose files were changed, added or removed', async () => {
    const cache = new CodeCache(join(base, 'cache'), log);
    const dir = await cache.taskDir('abc', zip);
    await tamper(dir);
    assert.equal(await cache.taskDir('abc', zip), dir);
    assert.match(await app(dir), /original/);
    assert.match(warnings[0], /does not match what was extracted/);

    await fs.chmod(dir, 0o755);
    await fs.writeFile(join(dir, 'sitecustomize.py'), 'import os\n');
    await cache.taskDir('abc', zip);
    await assert.rejects(fs.stat(join(dir, 'sitecustomize.py')), { code: 'ENOENT' });

    await fs.chmod(join(dir, 'pkg'), 0o755);
    await fs.rm(join(dir, 'pkg', '__init__.py'));
    await cache.taskDir('abc', zip);
    await fs.stat(join(dir, 'pkg', '__init__.py'));
    assert.equal(warnings.length, 3);
  });

  it('after a restart, checks the content against the digest written at extraction', async () => {
    const first = new CodeCache(join(base, 'cache'), log);
    const dir = await first.taskDir('abc', zip);
    const ino = (await fs.stat(join(dir, 'app.py'))).ino;
    const restarted = new CodeCache(join(base, 'cache'), log);
    await restarted.taskDir('abc', zip);
    assert.equal((await fs.stat(join(dir, 'app.py'))).ino, ino, 'an intact folder is reused after a restart');

    await tamper(dir);
    await new CodeCache(join(base, 'cache'), log).taskDir('abc', zip);
    assert.match(await app(dir), /original/);

    // A folder without its seal (an interrupted build, or a seal removed to hide a change) is not trusted.
    await fs.rm(join(base, 'cache', 'seals', 'task', 'abc'));
    await tamper(dir);
    await new CodeCache(join(base, 'cache'), log).taskDir('abc', zip);
    assert.match(await app(dir), /original/);
  });

  it('prunes folders and seals no function uses', async () => {
    const cache = new CodeCache(join(base, 'cache'), log);
    await cache.taskDir('abc', zip);
    await cache.prune([]);
    assert.deepEqual(await fs.readdir(join(base, 'cache', 'task')), []);
    assert.deepEqual(await fs.readdir(join(base, 'cache', 'seals', 'task')), []);
  });
});
