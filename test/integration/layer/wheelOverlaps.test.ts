import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readZip } from '../../fixtures/zipRead';
import { makeWheel, makeWheelhouse } from '../../fixtures/wheels';
import { isRuntime } from '../../../src/layer/runtimes';
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

const hostMinor = Number(execFileSync('python3', ['-c', 'import sys; print(sys.version_info[1])']).toString().trim());
const hostRuntime = `python3.${hostMinor}`;

/** `pip install -t` of the requirements (bytecode compiled, as the tutorial does): the folder. */
function pipTarget(req: string, dir: string): string {
  execFileSync('python3', ['-m', 'pip', 'install', '-q', '-t', join(ws.dir, dir), '-r', req], { env: ws.env });
  return join(ws.dir, dir);
}

test(
  'two wheels installing one file with different contents: the layer holds the copy pip -t keeps, in either requirement order, RECORD with bytecode rows as pip writes it, and a warning naming file and packages',
  { skip: !isRuntime(hostRuntime) && 'host Python is not a Lambda runtime version' },
  async () => {
    for (const [i, lines] of [
      ['alpha', 'beta'],
      ['beta', 'alpha'],
    ].entries()) {
      const req = await ws.requirements(lines);
      const built = await ws.build(req, hostRuntime, 'x86_64', { name: `clash${i}` });
      const entries = await readZip(built.zipPath);
      const data = (f: string) => entries.find((e) => e.name === `python/${f}`)?.data.toString();
      const pip = pipTarget(req, `pip-clash${i}`);
      assert.equal(data('shared/__init__.py'), await readFile(join(pip, 'shared/__init__.py'), 'utf8'), lines.join());
      for (const record of ['alpha-1.0.dist-info/RECORD', 'beta-1.0.dist-info/RECORD'])
        assert.equal(data(record), await readFile(join(pip, record), 'utf8'), record);
      assert.ok(
        built.manifest.warnings.some((w) => w.includes('shared/__init__.py') && w.includes('alpha, beta')),
        built.manifest.warnings.join('\n'),
      );
    }
  },
);

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
