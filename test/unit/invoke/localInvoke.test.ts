import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokeLocally, localRuntimeFor } from '../../../src/invoke/localInvoke';
import { resolvePython } from '../../../src/sandbox/runtime/python';
import { UserError } from '../../../src/util/errors';
import { writeZip } from './zipFixture';

let dir: string;
let code: string;
let localRuntime: string;
const event = new TextEncoder().encode('{"name":"world"}');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-local-'));
  code = join(dir, 'handler');
  await mkdir(code);
  await writeFile(
    join(code, 'app.py'),
    [
      'import mylib',
      'def handler(event, context):',
      '    print("hello from", context.function_name)',
      '    return {"greeting": "hi " + event["name"], "lib": mylib.VERSION, "file": mylib.__file__}',
      'def fails(event, context):',
      '    raise ValueError("bad input")',
    ].join('\n'),
  );
  await writeZip(join(dir, 'v1.zip'), { 'python/mylib/__init__.py': 'VERSION = "1.0"\n' });
  await writeZip(join(dir, 'v2.zip'), { 'python/mylib/__init__.py': 'VERSION = "2.0"\n' });
  await mkdir(join(dir, 'staging', 'mylib'), { recursive: true });
  await writeFile(join(dir, 'staging', 'mylib', '__init__.py'), 'VERSION = "staged"\n');
  localRuntime = `python${(await resolvePython('python3.11')).minor}`;
});
after(() => rm(dir, { recursive: true, force: true }));

const payload = (r: { view: { payloadText: string } }) => JSON.parse(r.view.payloadText);

test('runs a workspace handler with a layer zip as /opt', async () => {
  const r = await invokeLocally({
    codeDir: code,
    handler: 'app.handler',
    runtime: localRuntime,
    layers: [{ zip: join(dir, 'v1.zip') }],
    event,
    functionName: 'greeter',
  });
  assert.equal(r.view.ok, true, r.view.log);
  assert.equal(payload(r).greeting, 'hi world');
  assert.equal(payload(r).lib, '1.0');
  assert.match(payload(r).file, /\/opt\/python\/mylib\/__init__\.py$/);
  assert.match(r.view.log ?? '', /hello from greeter/);
  assert.equal(r.view.logTruncated, false);
  assert.ok(r.view.report?.durationMs !== undefined);
  assert.equal(r.versionWarning, undefined);
});

test('later layers win; a single staging folder is used in place', async () => {
  const merged = await invokeLocally({
    codeDir: code,
    handler: 'app.handler',
    runtime: localRuntime,
    layers: [{ zip: join(dir, 'v1.zip') }, { zip: join(dir, 'v2.zip') }],
    event,
  });
  assert.equal(payload(merged).lib, '2.0');
  const staged = await invokeLocally({
    codeDir: code,
    handler: 'app.handler',
    runtime: localRuntime,
    layers: [{ stagingDir: join(dir, 'staging') }],
    event,
  });
  assert.equal(payload(staged).lib, 'staged');
  const mixed = await invokeLocally({
    codeDir: code,
    handler: 'app.handler',
    runtime: localRuntime,
    layers: [{ stagingDir: join(dir, 'staging') }, { zip: join(dir, 'v1.zip') }],
    event,
  });
  assert.equal(payload(mixed).lib, '1.0');
});

test('handler errors and missing layers come back as function errors, as on Lambda', async () => {
  const raised = await invokeLocally({
    codeDir: code,
    handler: 'app.fails',
    runtime: localRuntime,
    layers: [{ zip: join(dir, 'v1.zip') }],
    event,
  });
  assert.equal(raised.view.ok, false);
  assert.equal(raised.view.functionError?.type, 'ValueError');
  assert.equal(raised.view.functionError?.message, 'bad input');
  const noLayer = await invokeLocally({
    codeDir: code,
    handler: 'app.handler',
    runtime: localRuntime,
    layers: [],
    event,
  });
  assert.equal(noLayer.view.functionError?.type, 'Runtime.ImportModuleError');
  assert.match(noLayer.view.functionError?.message ?? '', /No module named 'mylib'/);
});

test('a different local Python minor is reported', async () => {
  const other = localRuntime === 'python3.10' ? 'python3.14' : 'python3.10';
  const python = await resolvePython(other);
  const r = await invokeLocally({
    codeDir: code,
    handler: 'app.handler',
    runtime: other,
    layers: [{ zip: join(dir, 'v1.zip') }],
    event,
  });
  if (python.minor === '3.10' && other === 'python3.10') {
    assert.equal(r.versionWarning, undefined); // this machine has that exact Python
  } else {
    assert.match(r.versionWarning ?? '', new RegExp(`local Python ${python.version.replace(/\./g, '\\.')}.*${other}`));
  }
});

test('bad inputs are UserErrors and temp folders are cleaned up', async () => {
  const before = (await readdir(tmpdir())).filter((n) => n.startsWith('lambda-layers-local-')).length;
  await assert.rejects(
    invokeLocally({ codeDir: code, handler: 'app.handler', runtime: 'java21', layers: [], event }),
    UserError,
  );
  await assert.rejects(
    invokeLocally({ codeDir: join(dir, 'nope'), handler: 'app.handler', runtime: localRuntime, layers: [], event }),
    /does not exist/,
  );
  await assert.rejects(
    invokeLocally({
      codeDir: code,
      handler: 'app.handler',
      runtime: localRuntime,
      layers: [{ zip: join(dir, 'missing.zip') }],
      event,
    }),
    /Build the layer first/,
  );
  await assert.rejects(
    invokeLocally({
      codeDir: code,
      handler: 'app.handler',
      runtime: localRuntime,
      layers: [{ stagingDir: join(dir, 'nostage') }],
      event,
    }),
    /Build the layer first/,
  );
  const after = (await readdir(tmpdir())).filter((n) => n.startsWith('lambda-layers-local-')).length;
  assert.equal(after, before);
});

test("a layer's runtime is used only for code of its language", () => {
  assert.equal(localRuntimeFor('nodejs', 'nodejs22.x'), 'nodejs22.x');
  assert.equal(localRuntimeFor('python', 'python3.12'), 'python3.12');
  assert.equal(localRuntimeFor('nodejs', 'python3.12'), undefined);
  assert.equal(localRuntimeFor('python', 'nodejs22.x'), undefined);
  assert.equal(localRuntimeFor('python', undefined), undefined);
  assert.equal(localRuntimeFor('python', 'java21'), undefined);
});
