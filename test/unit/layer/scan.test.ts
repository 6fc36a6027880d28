import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { diskContent } from '../../../src/layer/content';
import {
  describeIncompatibilities,
  elfProblems,
  extensionProblem,
  linkStaysInside,
  scanCompatibility,
  walkTree,
} from '../../../src/layer/scan';
import { ownerMap, readDistInfos } from '../../../src/layer/distInfo';
import { parseElf } from '../../../src/layer/elf';
import { resolveTarget } from '../../../src/layer/runtimes';
import { makeElf } from '../../fixtures/elf';

const py311 = resolveTarget('python3.11', 'x86_64');

test('extension module names: CPython version, platform, Windows', () => {
  assert.equal(extensionProblem('pkg/_x.cpython-311-x86_64-linux-gnu.so', py311), undefined);
  assert.equal(extensionProblem('pkg/_x.abi3.so', py311), undefined);
  assert.equal(extensionProblem('pkg/_x.so', py311), undefined);
  assert.equal(extensionProblem('pkg/_x.cpython-312-x86_64-linux-gnu.so', py311)?.reason, 'python-abi');
  assert.equal(extensionProblem('pkg/_x.cpython-311t-x86_64-linux-gnu.so', py311)?.reason, 'python-abi');
  assert.equal(extensionProblem('pkg/_x.cpython-311-aarch64-linux-gnu.so', py311)?.reason, 'platform');
  assert.equal(extensionProblem('pkg/_x.cpython-311-darwin.so', py311)?.reason, 'platform');
  assert.equal(extensionProblem('pkg/_x.cpython-311-x86_64-linux-musl.so', py311)?.reason, 'platform');
  assert.equal(extensionProblem('pkg/_x.cp311-win_amd64.pyd', py311)?.reason, 'platform');
  assert.equal(
    extensionProblem('pkg/_x.cpython-311-aarch64-linux-gnu.so', resolveTarget('python3.11', 'arm64')),
    undefined,
  );
});

test('ELF problems: machine, glibc against the runtime, relocatable objects ignored', () => {
  const needs228 = parseElf(makeElf({ versions: { 'libc.so.6': ['GLIBC_2.28'] } }));
  assert.deepEqual(
    elfProblems(needs228, py311).map((p) => p.reason),
    ['glibc'],
  );
  assert.match(elfProblems(needs228, py311)[0].detail, /needs GLIBC_2\.28, python3\.11 provides glibc 2\.26/);
  assert.deepEqual(elfProblems(needs228, resolveTarget('python3.12', 'x86_64')), []);
  assert.deepEqual(
    elfProblems(parseElf(makeElf({ machine: 'aarch64' })), py311).map((p) => p.reason),
    ['machine'],
  );
  assert.deepEqual(elfProblems(parseElf(makeElf({ machine: 'aarch64' })), resolveTarget('python3.11', 'arm64')), []);
  assert.deepEqual(
    elfProblems(parseElf(makeElf({ bits: 32, machine: 'i386' })), py311).map((p) => p.reason),
    ['machine'],
  );
  assert.deepEqual(elfProblems(parseElf(makeElf({ type: 1, machine: 'aarch64' })), py311), []);
});

test('scan of an installed tree: offenders by owning package, any file name', async () => {
  const root = await mkdtemp(join(tmpdir(), 'll-scan-'));
  const files: Record<string, string | Buffer> = {
    'good/__init__.py': '',
    'good/_ok.abi3.so': makeElf({ versions: { 'libc.so.6': ['GLIBC_2.17'] } }),
    'good.libs/libfoo-1a2b.so.1.0': makeElf(),
    'newglibc/_core.cpython-311-x86_64-linux-gnu.so': makeElf({
      versions: { 'libc.so.6': ['GLIBC_2.2.5', 'GLIBC_2.28'] },
    }),
    'wrongarch/_core.abi3.so': makeElf({ machine: 'aarch64' }),
    'wrongarch/bin/helper': makeElf({ machine: 'aarch64', type: 2 }),
    'wrongpy/_m.cpython-312-x86_64-linux-gnu.so': makeElf(),
    'stray.so': makeElf({ machine: 'aarch64' }),
    'good/data.txt': '\x7fELF but a text file',
  };
  const record = (pkg: string, paths: string[]) =>
    paths
      .map((p) => `${p},sha256=x,1`)
      .concat(`${pkg}-1.0.dist-info/RECORD,,`)
      .join('\n');
  files['good-1.0.dist-info/METADATA'] = 'Name: good\nVersion: 1.0\n';
  files['good-1.0.dist-info/RECORD'] = record('good', [
    'good/__init__.py',
    'good/_ok.abi3.so',
    'good.libs/libfoo-1a2b.so.1.0',
    'good/data.txt',
  ]);
  files['newglibc-2.0.dist-info/METADATA'] = 'Name: newglibc\nVersion: 2.0\n';
  files['newglibc-2.0.dist-info/RECORD'] = record('newglibc', ['newglibc/_core.cpython-311-x86_64-linux-gnu.so']);
  files['wrongarch-1.0.dist-info/METADATA'] = 'Name: wrongarch\nVersion: 1.0\n';
  files['wrongarch-1.0.dist-info/RECORD'] = record('wrongarch', ['wrongarch/_core.abi3.so', 'wrongarch/bin/helper']);
  files['wrongpy-1.0.dist-info/METADATA'] = 'Name: wrongpy\nVersion: 1.0\n';
  files['wrongpy-1.0.dist-info/RECORD'] = record('wrongpy', ['wrongpy/_m.cpython-312-x86_64-linux-gnu.so']);
  try {
    for (const [p, c] of Object.entries(files)) {
      await mkdir(dirname(join(root, p)), { recursive: true });
      await writeFile(join(root, p), c);
    }
    const tree = await walkTree(root);
    assert.deepEqual(
      tree.files.map((f) => f.path),
      Object.keys(files).sort(),
    );
    assert.ok(tree.dirs.includes('wrongarch/bin'));
    const owners = ownerMap(await readDistInfos(root));
    const { incompatibilities: found, warnings } = await scanCompatibility(diskContent('python', tree), py311, owners);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      found.map((f) => [f.package, f.path, f.reason]),
      [
        ['newglibc', 'newglibc/_core.cpython-311-x86_64-linux-gnu.so', 'glibc'],
        ['(no package)', 'stray.so', 'machine'],
        ['wrongarch', 'wrongarch/_core.abi3.so', 'machine'],
        ['wrongarch', 'wrongarch/bin/helper', 'machine'],
        ['wrongpy', 'wrongpy/_m.cpython-312-x86_64-linux-gnu.so', 'python-abi'],
      ],
    );
    const text = describeIncompatibilities(found, py311);
    assert.match(
      text,
      /^5 files will not load on python3\.11 \(x86_64\), from \(no package\), newglibc, wrongarch, wrongpy:/,
    );
    assert.match(text, /newglibc: newglibc\/_core\.cpython-311-x86_64-linux-gnu\.so: needs GLIBC_2\.28/);
    assert.deepEqual(
      await scanCompatibility(diskContent('python', tree), resolveTarget('python3.12', 'arm64'), owners).then((f) =>
        f.incompatibilities.filter((x) => x.reason === 'glibc'),
      ),
      [],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('links: inside the tree they are listed as links (never followed), outside they are refused with link and target', async () => {
  assert.equal(linkStaysInside('pkg/alias.py', '__init__.py'), true);
  assert.equal(linkStaysInside('pkg/sub/x', '../../other/y'), true);
  assert.equal(linkStaysInside('pkg/dir', '.'), true);
  assert.equal(linkStaysInside('pkg/x', '../../etc/passwd'), false);
  assert.equal(linkStaysInside('x', '..'), false);
  assert.equal(linkStaysInside('pkg/x', '/etc/passwd'), false);
  assert.equal(linkStaysInside('pkg/x', 'C:\\Windows\\win.ini'), false);
  assert.equal(linkStaysInside('pkg/x', '..\\..\\secret'), false);

  const root = await mkdtemp(join(tmpdir(), 'll-scan-'));
  try {
    await mkdir(join(root, 'pkg', 'data'), { recursive: true });
    await writeFile(join(root, 'pkg', '__init__.py'), 'x = 1\n');
    await symlink('__init__.py', join(root, 'pkg', 'alias.py'));
    await symlink('data', join(root, 'pkg', 'data-link'));
    const tree = await walkTree(root);
    assert.deepEqual(
      tree.files.map((f) => f.path),
      ['pkg/__init__.py'],
    );
    assert.deepEqual(tree.links, [
      { path: 'pkg/alias.py', target: '__init__.py' },
      { path: 'pkg/data-link', target: 'data' },
    ]);
    assert.deepEqual(tree.dirs, ['pkg', 'pkg/data']);

    const secret = join(root, '..', `${basename(root)}-secret.txt`);
    await writeFile(secret, 'not for the layer');
    await symlink(secret, join(root, 'pkg', 'abs.txt'));
    await assert.rejects(walkTree(root), {
      message: `A symbolic link in the installed packages points outside the layer, so it cannot be zipped: pkg/abs.txt → ${secret}`,
    });
    await rm(join(root, 'pkg', 'abs.txt'));
    await symlink(`../../${basename(secret)}`, join(root, 'pkg', 'up.txt'));
    await assert.rejects(walkTree(root), /outside the layer, so it cannot be zipped: pkg\/up\.txt → \.\.\/\.\.\//);
    await rm(secret);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
