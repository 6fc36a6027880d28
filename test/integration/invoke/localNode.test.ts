import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokeLocally } from '../../../src/invoke/localInvoke';
import { resolveNode } from '../../../src/sandbox/runtime/node';
import { writeZip } from '../../unit/invoke/zipFixture';

// Invoke Locally of Node.js handlers: the layer's `nodejs/` folder becomes /opt/nodejs, found through NODE_PATH
// from CommonJS and (as on Lambda) from ES modules.
let dir: string;
let code: string;
let layer: string;
let localRuntime: string;
const event = new TextEncoder().encode('{"name":"world"}');
const payload = (r: { view: { payloadText: string } }) => JSON.parse(r.view.payloadText);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-local-node-'));
  code = join(dir, 'code');
  await mkdir(join(code, 'esm'), { recursive: true });
  await writeFile(
    join(code, 'index.js'),
    [
      "const greet = require('greet');",
      'exports.handler = async (event, context) => {',
      "  console.log('hello from', context.functionName);",
      "  return { greeting: greet.hi(event.name), version: greet.version, file: require.resolve('greet') };",
      '};',
      "exports.fails = async () => { throw new TypeError('bad input'); };",
    ].join('\n'),
  );
  await writeFile(
    join(code, 'esm', 'app.mjs'),
    [
      "import greet from 'greet';",
      'export const handler = async (event) => ({ greeting: greet.hi(event.name), version: greet.version });',
    ].join('\n'),
  );
  // A built layer folder (what the Node build stages as `nodejs/`), made by hand.
  layer = join(dir, 'staging', 'nodejs');
  await writePackage(join(layer, 'node_modules', 'greet'), 'staged');
  await writeZip(join(dir, 'v2.zip'), {
    'nodejs/node_modules/greet/package.json': JSON.stringify({ name: 'greet', version: '2.0.0', main: 'index.js' }),
    'nodejs/node_modules/greet/index.js': greetSource('2.0.0'),
  });
  localRuntime = `nodejs${(await resolveNode('nodejs20.x')).major}.x`;
});
after(() => rm(dir, { recursive: true, force: true }));

async function writePackage(pkg: string, version: string): Promise<void> {
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'greet', version, main: 'index.js' }));
  await writeFile(join(pkg, 'index.js'), greetSource(version));
}

function greetSource(version: string): string {
  return `module.exports = { version: ${JSON.stringify(version)}, hi: (n) => 'hi ' + n };\n`;
}

test('a CommonJS handler requires a package from the layer folder, or from a layer zip at /opt/nodejs/node_modules', async () => {
  const r = await invokeLocally({
    codeDir: code,
    handler: 'index.handler',
    runtime: localRuntime,
    layers: [{ stagingDir: layer }],
    event,
    functionName: 'greeter',
  });
  assert.equal(r.view.ok, true, r.view.log);
  assert.equal(payload(r).greeting, 'hi world');
  assert.equal(payload(r).version, 'staged');
  assert.match(r.view.log ?? '', /hello from greeter/);
  assert.equal(r.versionWarning, undefined);
  const zipped = await invokeLocally({
    codeDir: code,
    handler: 'index.handler',
    runtime: localRuntime,
    layers: [{ zip: join(dir, 'v2.zip') }],
    event,
  });
  assert.equal(payload(zipped).version, '2.0.0');
  assert.match(payload(zipped).file, /\/opt\/nodejs\/node_modules\/greet\/index\.js$/);
});

test('an ES module handler imports the same package; a later layer zip wins', async () => {
  const staged = await invokeLocally({
    codeDir: code,
    handler: 'esm/app.handler',
    runtime: localRuntime,
    layers: [{ stagingDir: layer }],
    event,
  });
  assert.equal(staged.view.ok, true, staged.view.log);
  assert.deepEqual(payload(staged), { greeting: 'hi world', version: 'staged' });
  const merged = await invokeLocally({
    codeDir: code,
    handler: 'esm/app.handler',
    runtime: localRuntime,
    layers: [{ stagingDir: layer }, { zip: join(dir, 'v2.zip') }],
    event,
  });
  assert.equal(payload(merged).version, '2.0.0');
});

test('handler errors and a missing layer come back as function errors', async () => {
  const thrown = await invokeLocally({
    codeDir: code,
    handler: 'index.fails',
    runtime: localRuntime,
    layers: [{ stagingDir: layer }],
    event,
  });
  assert.equal(thrown.view.functionError?.type, 'TypeError');
  assert.equal(thrown.view.functionError?.message, 'bad input');
  const noLayer = await invokeLocally({
    codeDir: code,
    handler: 'index.handler',
    runtime: localRuntime,
    layers: [],
    event,
  });
  assert.equal(noLayer.view.functionError?.type, 'Runtime.ImportModuleError');
  assert.match(noLayer.view.functionError?.message ?? '', /greet/);
});

test('another Node.js major than the local one is run, with a warning naming both', async () => {
  const other = localRuntime === 'nodejs22.x' ? 'nodejs24.x' : 'nodejs22.x';
  const r = await invokeLocally({
    codeDir: code,
    handler: 'index.handler',
    runtime: other,
    layers: [{ stagingDir: layer }],
    event,
  });
  assert.equal(r.view.ok, true, r.view.log);
  const node = await resolveNode(other);
  assert.match(r.versionWarning ?? '', new RegExp(`local Node\\.js ${node.version.replace(/\./g, '\\.')}.*${other}`));
});
