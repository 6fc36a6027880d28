import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readZip } from '../../fixtures/zipRead';
import { fakePython } from './fakeInstaller';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

/** A "python" whose install step runs `script` in the --target folder. */
function fakeInstaller(name: string, script: string): Promise<string> {
  return fakePython(join(ws.dir, name), [
    'while [ "$1" != "--target" ]; do shift; done',
    'mkdir -p "$2" && cd "$2" || exit 1',
    script,
  ]);
}

// Links come only from installers writing a folder: source builds (wheels hold no links).
test('links in the installed tree: kept as links inside the layer, refused (naming link and target) when they leave it', async () => {
  const req = await ws.requirements(['purepkg']);
  const inside = await fakeInstaller(
    'links-inside',
    'mkdir pkg && echo "x = 1" > pkg/__init__.py && ln -s __init__.py pkg/alias.py',
  );
  const built = await ws.build(req, 'python3.12', 'x86_64', {
    installer: 'pip',
    allowSourceBuilds: true,
    pythonPath: inside,
    name: 'links',
  });
  const entries = await readZip(built.zipPath);
  const link = entries.find((e) => e.name === 'python/pkg/alias.py');
  assert.equal(link?.mode, 0o120777);
  assert.equal(link?.data.toString(), '__init__.py');
  assert.equal(built.manifest.fileCount, 2);

  const outside = await fakeInstaller('links-outside', 'mkdir pkg && ln -s /etc/hostname pkg/host.txt');
  const out = join(ws.dir, 'out', 'python3.12-x86_64');
  const before = await readdir(out);
  await assert.rejects(
    ws.build(req, 'python3.12', 'x86_64', {
      installer: 'pip',
      allowSourceBuilds: true,
      pythonPath: outside,
      name: 'leak',
    }),
    {
      message:
        'A symbolic link in the installed packages points outside the layer, so it cannot be zipped: pkg/host.txt → /etc/hostname',
    },
  );
  assert.deepEqual(await readdir(out), before, 'no zip written');
});
