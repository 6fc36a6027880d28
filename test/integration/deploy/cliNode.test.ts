import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';
import { withSandbox, type TestSandbox, sandboxSession } from '../../helpers/sandbox';
import type { OpsSession } from '../../../src/ops/session';
import { runtimeNodeMajor, resolveNode } from '../../../src/sandbox/runtime/node';

// create-function from a Node.js folder: the handler is `dir/file.export`, the folder's own node_modules goes
// into the code, the layer build output does not; the local endpoint then runs it.
let sandbox: TestSandbox;
let session: OpsSession;
let dir: string;

before(async () => {
  sandbox = await withSandbox({ updateDelayMs: 100 });
  session = sandboxSession(sandbox);
  dir = await fs.mkdtemp(join(tmpdir(), 'node-fn-'));
  const files: Record<string, string> = {
    'src/app.mjs': [
      "import { createRequire } from 'node:module';",
      "import greet from 'greet';",
      'const require = createRequire(import.meta.url);',
      "export const handler = async (event) => ({ greeting: greet(event.name), version: require('greet/package.json').version });",
    ].join('\n'),
    'index.js': "exports.handler = async () => ({ cjs: require('greet')('cjs') });\n",
    'package.json': JSON.stringify({ name: 'node-fn', dependencies: { greet: '1.0.0' } }),
    'node_modules/greet/package.json': JSON.stringify({ name: 'greet', version: '1.0.0', main: 'index.js' }),
    'node_modules/greet/index.js': "module.exports = (n) => 'hi ' + n;\n",
    '.lambda-layers/build/deps.zip': 'not code',
  };
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(join(dir, rel, '..'), { recursive: true });
    await fs.writeFile(join(dir, rel), text);
  }
});
after(async () => {
  session?.dispose();
  await sandbox?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const json = (payload: Uint8Array) => JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;

test(
  'create-function from a Node.js folder, then invoke returns what the ESM and CJS handlers return',
  { timeout: 120_000 },
  async () => {
    const endpoint = ['--endpoint', sandbox.url];
    const runtime = `nodejs${(await resolveNode('nodejs22.x')).major}.x`;
    assert.ok(runtimeNodeMajor(runtime));
    const create = (name: string, handler: string) =>
      runCli(['create-function', name, '--from', dir, '--runtime', runtime, '--handler', handler, ...endpoint]);

    const esm = await create('node-esm', 'src/app.handler');
    assert.equal(esm.code, 0, esm.stderr);
    const code = await session.gateway.getFunction('node-esm');
    assert.equal(code.Configuration?.Handler, 'src/app.handler');
    const out = await session.gateway.invoke('node-esm', new TextEncoder().encode('{"name":"node"}'));
    assert.equal(out.functionError, undefined, new TextDecoder().decode(out.payload));
    assert.deepEqual(json(out.payload), { greeting: 'hi node', version: '1.0.0' });

    // deploy zips the folder the same way (node_modules in, for the function's Node.js runtime): nothing changed.
    const same = await runCli(['deploy', 'node-esm', '--from', dir, ...endpoint]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /unchanged, nothing uploaded/);

    const cjs = await create('node-cjs', 'index.handler');
    assert.equal(cjs.code, 0, cjs.stderr);
    assert.deepEqual(json((await session.gateway.invoke('node-cjs', new TextEncoder().encode('{}'))).payload), {
      cjs: 'hi cjs',
    });

    const missing = await create('node-missing', 'lib/nothere.handler');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /needs lib\/nothere\.js\/\.mjs\/\.cjs/);
    const notAHandler = await create('node-bad', 'index');
    assert.equal(notAHandler.code, 1);
    assert.match(notAHandler.stderr, /write it as file\.function, for example index\.handler/);
  },
);
