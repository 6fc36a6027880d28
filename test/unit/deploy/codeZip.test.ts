import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCodeZip, isExcluded } from '../../../src/deploy/codeZip';
import { UserError } from '../../../src/util/errors';
import { readZip } from '../../fixtures/zipRead';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(join(tmpdir(), 'code-zip-'));
  for (const [rel, data] of Object.entries(files)) {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), data);
  }
  return root;
}

test('the code zip leaves out VCS, virtualenvs (any name), caches, bytecode, editor settings and the build output', async () => {
  const root = await tree({
    'lambda_function.py': 'def lambda_handler(event, context):\n    return 1\n',
    'pkg/util.py': 'X = 1\n',
    'pkg/__pycache__/util.cpython-312.pyc': 'bytecode',
    'stray.pyc': 'bytecode',
    '.git/HEAD': 'ref',
    '.venv/lib/site.py': '',
    'env312/pyvenv.cfg': 'home = /usr/bin',
    'env312/lib/python3.12/site-packages/x.py': '',
    '.lambda-layers/build/deps.zip': 'zip',
    '.vscode/settings.json': '{}',
    'node_modules/a/index.js': '',
    'data/config.json': '{"a": 1}',
    'custom-out/layer.zip': 'zip',
  });
  try {
    const code = await buildCodeZip(root, { excludePaths: ['custom-out'] });
    assert.deepEqual(
      code.files.map((f) => f.path),
      ['data/config.json', 'lambda_function.py', 'pkg/util.py'],
    );
    assert.deepEqual(code.excluded, [
      '.git/',
      '.lambda-layers/',
      '.venv/',
      '.vscode/',
      'custom-out/',
      'env312/',
      'node_modules/',
      'pkg/__pycache__/',
      'stray.pyc',
    ]);
    const entries = await readZip(code.zip);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['data/', 'data/config.json', 'lambda_function.py', 'pkg/', 'pkg/util.py'],
    );
    assert.equal(entries.find((e) => e.name === 'pkg/util.py')!.data.toString(), 'X = 1\n');
    assert.equal(code.codeSha256, createHash('sha256').update(code.zip).digest('base64'));
    assert.equal(
      code.totalSize,
      code.files.reduce((n, f) => n + f.size, 0),
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('the same files give the same bytes whatever their timestamps; a changed file changes the hash', async () => {
  const root = await tree({ 'a.py': 'A = 1\n', 'b/c.py': 'C = 2\n' });
  try {
    const first = await buildCodeZip(root);
    await fs.utimes(join(root, 'a.py'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await fs.mkdir(join(root, 'b', '__pycache__'));
    await fs.writeFile(join(root, 'b', '__pycache__', 'c.cpython-312.pyc'), 'bytecode written by a local run');
    const second = await buildCodeZip(root);
    assert.deepEqual(second.zip, first.zip);
    assert.equal(second.codeSha256, first.codeSha256);
    await fs.writeFile(join(root, 'a.py'), 'A = 2\n');
    assert.notEqual((await buildCodeZip(root)).codeSha256, first.codeSha256);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a folder with nothing to deploy is refused with a message that says why', async () => {
  const empty = await tree({ '.git/HEAD': 'ref', '__pycache__/x.pyc': '' });
  try {
    await assert.rejects(
      buildCodeZip(empty),
      (e: unknown) => e instanceof UserError && /no files to deploy/.test(e.message),
    );
  } finally {
    await fs.rm(empty, { recursive: true, force: true });
  }
});

test('exclusion rules', () => {
  assert.equal(isExcluded('src/.hg', 'dir', []), true);
  assert.equal(isExcluded('myenv', 'dir', ['bin', 'pyvenv.cfg']), true);
  assert.equal(isExcluded('lib', 'dir', ['x.py']), false);
  assert.equal(isExcluded('a/b.pyo', 'file', []), true);
  assert.equal(isExcluded('venv.py', 'file', []), false);
  assert.equal(isExcluded('out', 'dir', [], ['out']), true);
  assert.equal(isExcluded('node_modules', 'dir', ['a']), true);
  assert.equal(isExcluded('node_modules', 'dir', ['a'], [], 'nodejs'), false);
  assert.equal(isExcluded('node_modules/a/node_modules', 'dir', ['b'], [], 'nodejs'), false);
  assert.equal(isExcluded('.lambda-layers', 'dir', [], [], 'nodejs'), true);
});

test('a folder whose path and file names hold spaces and non-ASCII zips to "/"-separated names; a backslash in a name is refused', async () => {
  const root = await tree({ 'mon dossier/données/café.py': 'X = 1\n', 'handler ü.py': 'Y = 2\n' });
  try {
    const spaced = join(root, 'mon dossier');
    await fs.rename(join(root, 'handler ü.py'), join(spaced, 'handler ü.py'));
    const zip = await buildCodeZip(spaced);
    assert.deepEqual(
      zip.files.map((f) => f.path),
      ['données/café.py', 'handler ü.py'],
    );
    const names = (await readZip(zip.zip)).map((e) => e.name);
    assert.deepEqual(names.filter((n) => !n.endsWith('/')).sort(), ['données/café.py', 'handler ü.py']);
    assert.ok(names.every((n) => !n.includes('\\')));
    await fs.writeFile(join(spaced, 'odd\\name.py'), 'Z = 3\n');
    await assert.rejects(
      buildCodeZip(spaced),
      (e: unknown) => e instanceof UserError && /odd\\name\.py.*backslash/.test(e.message),
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test("a Node.js function's zip keeps its node_modules but never the layer build output or Python caches", async () => {
  const root = await tree({
    'index.mjs': 'export const handler = async () => 1;\n',
    'package.json': '{"type":"module"}',
    'node_modules/dep/package.json': '{"name":"dep"}',
    'node_modules/dep/node_modules/sub/index.js': '',
    '.lambda-layers/build/deps.zip': 'zip',
    '.lambda-layers/nodejs/node_modules/x/index.js': '',
    'tools/__pycache__/t.cpython-312.pyc': 'bytecode',
    '.git/HEAD': 'ref',
  });
  try {
    const code = await buildCodeZip(root, { language: 'nodejs' });
    assert.deepEqual(
      code.files.map((f) => f.path),
      ['index.mjs', 'node_modules/dep/node_modules/sub/index.js', 'node_modules/dep/package.json', 'package.json'],
    );
    assert.deepEqual(code.excluded, ['.git/', '.lambda-layers/', 'tools/__pycache__/']);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
