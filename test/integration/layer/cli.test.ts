import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../src/layer/manifest';
import { runCli as cli } from '../../helpers/cli';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

test('cli build prints the manifest path; a rerun reuses the zip', async () => {
  const req = await ws.requirements(['app']);
  const out = join(ws.dir, 'cli-out', 'deps.zip');
  const first = await cli(
    ['build', req, '--runtime', 'python3.12', '--arch', 'arm64', '--out', out, '--name', 'my-deps'],
    ws.env,
  );
  assert.equal(first.code, 0, first.stderr);
  const manifestPath = join(ws.dir, 'cli-out', 'deps.manifest.json');
  assert.equal(first.stdout, `${manifestPath}\n`);
  assert.ok(existsSync(out));
  const manifest = await readManifest(manifestPath);
  assert.equal(manifest?.layerName, 'my-deps');
  assert.equal(manifest?.architecture, 'arm64');
  assert.match(first.stderr, /Processing .*app-0\.3\.0-py3-none-any\.whl/);
  assert.equal(first.stderr.match(/^Zipping$/gm)?.length, 1, 'repeated progress steps are printed once');

  const again = await cli(
    ['build', req, '--runtime', 'python3.12', '--arch', 'arm64', '--out', out, '--name', 'my-deps'],
    ws.env,
  );
  assert.equal(again.code, 0);
  assert.match(again.stderr, /Reusing/);
  const rebuilt = await cli(
    ['build', req, '--runtime', 'python3.12', '--arch', 'arm64', '--out', out, '--name', 'my-deps', '--rebuild'],
    ws.env,
  );
  assert.equal(rebuilt.code, 0);
  assert.doesNotMatch(rebuilt.stderr, /Reusing/);
});

test('cli build fails with the message and a non-zero exit; bad usage exits 2', async () => {
  const req = await ws.requirements(['only228']);
  const failed = await cli(
    ['build', req, '--runtime', 'python3.11', '--arch', 'x86_64', '--out', join(ws.dir, 'cli-out', 'x.zip')],
    ws.env,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /error: only228 2\.0 has no wheel that loads on python3\.11 \(x86_64\)/);
  assert.equal(failed.stdout, '');
  assert.equal((await cli(['build', req, '--runtime', 'python3.12'], ws.env)).code, 2);
  assert.equal((await cli(['frobnicate'], ws.env)).code, 2);
  const bad = await cli(
    ['build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', join(ws.dir, 'cli-out', 'bad name.zip')],
    ws.env,
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a valid layer name/);
});

test('--help on every command prints its usage on stdout and exits 0', async () => {
  for (const command of ['build', 'publish', 'attach', 'detach', 'invoke']) {
    const help = await cli([command, '--help'], ws.env);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, new RegExp(`^usage: (cli )?${command} `), command);
    assert.equal(help.stderr.includes('Unknown option'), false, command);
  }
});

test(
  'cli build refuses an output folder that cannot hold a zip before installing anything',
  { skip: process.platform !== 'linux' },
  async () => {
    const req = await ws.requirements(['purepkg']);
    const run = await cli(
      ['build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', '/proc/self/layer.zip'],
      ws.env,
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: The output folder cannot hold the layer zip \(proc is a kernel file system, not storage\)\. Choose another folder: \/proc\/self$/m,
    );
    assert.doesNotMatch(run.stderr, /Processing|Collecting/, 'refused before the install');
  },
);

test('wheels from an index are fetched once into --cache-dir by SHA-256; a rebuild only resolves', async () => {
  const { createServer } = await import('node:http');
  const { readdir, readFile } = await import('node:fs/promises');
  const gets: string[] = [];
  const files = (await readdir(ws.wheelhouse)).filter((f) => f.endsWith('.whl'));
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1).split('#')[0]);
    if (name === '') {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<html><body>${files.map((f) => `<a href="${f}">${f}</a>`).join('\n')}</body></html>`);
      return;
    }
    gets.push(name);
    readFile(join(ws.wheelhouse, name)).then(
      (data) => res.end(data),
      () => ((res.statusCode = 404), res.end()),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const env = { ...ws.env, PIP_FIND_LINKS: `http://127.0.0.1:${port}/`, PIP_TRUSTED_HOST: '127.0.0.1' };
    const req = await ws.requirements(['app']);
    const cacheDir = join(ws.dir, 'cli-cache');
    const args = [
      'build',
      req,
      '--runtime',
      'python3.12',
      '--arch',
      'x86_64',
      '--out',
      join(ws.dir, 'cli-out', 'remote.zip'),
      '--cache-dir',
      cacheDir,
      '--rebuild',
    ];
    const first = await cli(args, env);
    assert.equal(first.code, 0, first.stderr);
    const cached = (await readdir(join(cacheDir, 'wheels'))).sort();
    assert.equal(cached.length, 2, 'app and purepkg');
    for (const f of cached) assert.match(f, /^[0-9a-f]{64}\.whl$/);
    const fetchedFirst = gets.length;
    const second = await cli(args, env);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(
      gets.length - fetchedFirst < fetchedFirst,
      `the rebuild fetched ${gets.length - fetchedFirst} wheels, the first build ${fetchedFirst}`,
    );
    assert.doesNotMatch(second.stderr, /pip download|Saved/, 'nothing downloaded again');
    const firstManifest = await readManifest(join(ws.dir, 'cli-out', 'remote.manifest.json'));
    assert.equal(firstManifest?.packages.map((p) => p.name).join(','), 'app,purepkg');
  } finally {
    server.close();
  }
});
