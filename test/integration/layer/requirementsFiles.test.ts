import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLog, type Log } from '../../../src/util/log';
import { runCli as cli } from '../../helpers/cli';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

const bom16 = (text: string, order: 'le' | 'be') => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return order === 'le' ? le : Buffer.from(le.map((_, i, b) => b[i ^ 1]));
};

test('pip installs from UTF-16 files (LE including BE) with ${VAR} references, as the build reads them', async () => {
  const dir = join(ws.dir, 'utf16');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'requirements.txt'), bom16('# café\r\npurepkg==${PURE_VERSION}\r\n-r more.txt\r\n', 'le'));
  await writeFile(join(dir, 'more.txt'), bom16('app\n', 'be'));
  const result = await ws.build(join(dir, 'requirements.txt'), 'python3.12', 'x86_64', {
    installer: 'pip',
    env: { ...ws.env, PURE_VERSION: '1.2.0' },
  });
  assert.deepEqual(
    result.manifest.packages.map((p) => `${p.name}==${p.version}`),
    ['app==0.3.0', 'purepkg==1.2.0'],
  );
  // The variable's value is part of the inputs: another value is not a cache hit.
  await assert.rejects(
    ws.build(join(dir, 'requirements.txt'), 'python3.12', 'x86_64', {
      installer: 'pip',
      env: { ...ws.env, PURE_VERSION: '9.9' },
    }),
    /purepkg/,
  );
});

test('cli build: an include loop is named, without a Python traceback', async () => {
  const dir = join(ws.dir, 'loop');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'a.txt'), 'purepkg\n-r b.txt\n');
  await writeFile(join(dir, 'b.txt'), '-r a.txt\n');
  const run = await cli(
    ['build', join(dir, 'a.txt'), '--runtime', 'python3.12', '--arch', 'x86_64', '--out', join(dir, 'out', 'l.zip')],
    ws.env,
  );
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error: The requirements files include each other in a loop: a\.txt → b\.txt → a\.txt\./);
  assert.doesNotMatch(run.stderr, /Traceback|RecursionError/);
});

test('the manifest records the indexes and find-links the build used, credentials redacted', async () => {
  const dir = join(ws.dir, 'sources');
  await mkdir(dir, { recursive: true });
  // An index named in the file (unreachable: pip warns and finds the package through find-links).
  await writeFile(
    join(dir, 'requirements.txt'),
    '--index-url https://builder:${INDEX_PASSWORD}@127.0.0.1:9/simple\npurepkg\n',
  );
  const env: NodeJS.ProcessEnv = { ...ws.env, INDEX_PASSWORD: 's3cret' };
  delete env.PIP_NO_INDEX;
  const logged: string[] = [];
  const log: Log = { ...silentLog, info: (m) => logged.push(m), warn: (m) => logged.push(m) };
  const result = await ws.build(
    join(dir, 'requirements.txt'),
    'python3.12',
    'x86_64',
    { installer: 'pip', env, retries: 0 },
    { log },
  );
  assert.deepEqual(result.manifest.packageSources, [
    { kind: 'index', url: 'https://***@127.0.0.1:9/simple', from: 'requirements.txt' },
    { kind: 'find-links', url: ws.wheelhouse, from: 'PIP_FIND_LINKS' },
  ]);
  assert.deepEqual(
    result.manifest.packages.map((p) => p.name),
    ['purepkg'],
  );
  assert.doesNotMatch(JSON.stringify(result.manifest), /s3cret/);
  assert.doesNotMatch(logged.join('\n'), /s3cret/);
  assert.match(logged.join('\n'), /Package sources: https:\/\/\*\*\*@127\.0\.0\.1:9\/simple \(requirements\.txt\)/);
});
