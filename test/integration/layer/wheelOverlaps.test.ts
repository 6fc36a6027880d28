import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readZip } from '../../fixtures/zipRead';
import { makeWheel, makeWheelhouse } from '../../fixtures/wheels';
import { workspace, type Workspace } from './setup';

const PKGUTIL = '__path__ = __import__("pkgutil").extend_path(__path__, __name__)\n';

let ws: Workspace;
before(async () => {
  ws = await workspace();
  await makeWheelhouse(ws.wheelhouse, [
    // pip -t installs one over the other in an order of its own (dependencies first, then by name).
    { name: 'alpha', version: '1.0', files: { 'alpha.py': '', 'shared/__init__.py': 'WHO = "alpha"\n' } },
    { name: 'beta', version: '1.0', files: { 'beta.py': '', 'shared/__init__.py': 'WHO = "beta"\n' } },
    { name: 'ns-one', version: '1.0', files: { 'nsp/__init__.py': PKGUTIL, 'nsp/one.py': '' } },
    { name: 'ns-two', version: '1.0', files: { 'nsp/__init__.py': PKGUTIL, 'nsp/two.py': '' } },
    {
      name: 'twice',
      version: '1.0',
      files: { 'twice/__init__.py': 'A = 1\n', 'twice-1.0.data/purelib/twice/__init__.py': 'A = 2\n' },
    },
  ]);
  // One zip entry name twice: made by renaming the second entry in both of its headers.
  const dup = await makeWheel({
    name: 'dupentry',
    version: '1.0',
    files: { 'dupentry/a.py': '1', 'dupentry/b.py': '2' },
  });
  await writeFile(
    join(ws.wheelhouse, dup.fileName),
    dup.data.toString('latin1').replaceAll('dupentry/b.py', 'dupentry/a.py'),
    'latin1',
  );
});
after(() => ws.dispose());

async function pipTarget(req: string, dir: string, file: string): Promise<string> {
  execFileSync('python3', ['-m', 'pip', 'install', '-q', '--no-compile', '-t', join(ws.dir, dir), '-r', req], {
    env: ws.env,
  });
  return readFile(join(ws.dir, dir, file), 'utf8');
}

test('two wheels installing one file with different contents: the layer holds the copy pip -t keeps, in either requirement order, with a warning naming file and packages', async () => {
  for (const [i, lines] of [
    ['alpha', 'beta'],
    ['beta', 'alpha'],
  ].entries()) {
    const req = await ws.requirements(lines);
    const built = await ws.build(req, 'python3.12', 'x86_64', { name: `clash${i}` });
    const entries = await readZip(built.zipPath);
    const shared = entries.find((e) => e.name === 'python/shared/__init__.py');
    assert.equal(shared?.data.toString(), await pipTarget(req, `pip-clash${i}`, 'shared/__init__.py'), lines.join());
    assert.ok(
      built.manifest.warnings.some((w) => w.includes('shared/__init__.py') && w.includes('alpha, beta')),
      built.manifest.warnings.join('\n'),
    );
    assert.ok(entries.some((e) => e.name === 'python/alpha-1.0.dist-info/RECORD'));
    assert.ok(entries.some((e) => e.name === 'python/beta-1.0.dist-info/RECORD'));
  }
});

test('wheels sharing a file with the same contents (pkgutil namespace __init__) stream without a warning', async () => {
  const built = await ws.build(await ws.requirements(['ns-one', 'ns-two']), 'python3.12', 'x86_64', { name: 'ns' });
  const names = (await readZip(built.zipPath)).map((e) => e.name);
  for (const f of ['python/nsp/__init__.py', 'python/nsp/one.py', 'python/nsp/two.py']) assert.ok(names.includes(f), f);
  assert.deepEqual(built.manifest.warnings, []);
});

test('a wheel that installs one path twice is refused, naming the wheel and the path', async () => {
  for (const [name, path] of [
    ['twice', 'twice/__init__.py'],
    ['dupentry', 'dupentry/a.py'],
  ]) {
    await assert.rejects(ws.build(await ws.requirements([name]), 'python3.12', 'x86_64', { name }), {
      message: `${name}-1.0-py3-none-any.whl is not a valid wheel: it installs ${path} twice.`,
    });
  }
});
