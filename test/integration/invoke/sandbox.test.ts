import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withSandbox, handlerZip, TEST_ROLE, type TestSandbox, sandboxSession } from '../../helpers/sandbox';
import { makeWheelhouse, offlinePipEnv, type WheelSpec } from '../../fixtures/wheels';
import { localConnection } from '../../../src/aws/connection';
import { classifyAwsError } from '../../../src/aws/errors';
import { buildLayer, type BuildResult } from '../../../src/layer/build';
import type { OpsSession } from '../../../src/ops/session';
import { publishLayer } from '../../../src/ops/publish';
import { mutateFunctionLayers } from '../../../src/ops/mutateLayers';
import { attachLayer } from '../../../src/ops/layerList';
import { invokeUserError } from '../../../src/invoke/invokeErrors';
import { invokeLocally } from '../../../src/invoke/localInvoke';
import { deleteProbeFunction, probeLayerImports, probeTargetFromManifest } from '../../../src/invoke/probe';
import { toInvokeView } from '../../../src/invoke/result';
import { LOCAL_ROLE_ARN } from '../../../src/invoke/roles';
import { UserError } from '../../../src/util/errors';
import { runCli } from '../../helpers/cli';

// End to end on our local endpoint: real wheels → the build pipeline (pip, offline) → publish → attach →
// invoke, plus the import probe and every error the result view must explain. The sandbox runs handlers
// with this machine's python3 (3.11 here), so layers are built for python3.11 / x86_64.

let sandbox: TestSandbox;
let session: OpsSession;
let dir: string;
const RUNTIME = 'python3.11';
const enc = (s: string) => new TextEncoder().encode(s);

before(async () => {
  sandbox = await withSandbox({ updateDelayMs: 20 });
  session = sandboxSession(sandbox);
  dir = await fs.mkdtemp(join(tmpdir(), 'invoke-sandbox-'));
});
after(async () => {
  session?.dispose();
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function build(name: string, wheels: WheelSpec[], allowIncompatible = false): Promise<BuildResult> {
  const wheelhouse = join(dir, `${name}-wheels`);
  await makeWheelhouse(wheelhouse, wheels);
  const requirementsPath = join(dir, `${name}-requirements.txt`);
  await fs.writeFile(requirementsPath, wheels.map((w) => `${w.name}==${w.version}\n`).join(''));
  return buildLayer({
    sourcePath: requirementsPath,
    runtime: RUNTIME,
    architecture: 'x86_64',
    layerName: name,
    outDir: join(dir, 'out'),
    options: { installer: 'pip', env: offlinePipEnv(wheelhouse), allowIncompatible },
  });
}

async function publish(built: BuildResult): Promise<string> {
  const r = await publishLayer(session.gateway, { zipPath: built.zipPath, name: built.manifest.layerName });
  assert.equal(r.kind, 'published');
  return r.kind === 'published' ? r.layerVersion.LayerVersionArn! : '';
}

async function createFunction(
  name: string,
  source: string,
  extra: { timeout?: number; layers?: string[] } = {},
): Promise<void> {
  await session.gateway.createFunction({
    name,
    runtime: RUNTIME,
    handler: 'lambda_function.handler',
    role: TEST_ROLE,
    zip: handlerZip(source),
    ...extra,
  });
  await session.gateway.waitForFunctionUpdated(name);
}

test(
  'generated wheels → build → publish → attach → invoke returns the installed version; CLI and local invoke agree',
  { timeout: 120_000 },
  async () => {
    const built = await build('greet-deps', [
      { name: 'greetlib', version: '1.4.2' },
      { name: 'other-dep', version: '0.3.0' },
    ]);
    const arn = await publish(built);
    await createFunction(
      'greeter',
      'import importlib.metadata\nimport greetlib\n\ndef handler(event, context):\n    print("version", greetlib.__version__)\n    return {"module": greetlib.__version__, "dist": importlib.metadata.version("greetlib"), "hello": event.get("name")}\n',
    );
    const gw = session.gateway;
    await mutateFunctionLayers(gw, 'greeter', (current) => attachLayer(current, arn));
    await gw.waitForFunctionUpdated('greeter');

    const view = toInvokeView(await gw.invoke('greeter', enc('{"name":"layers"}'), { tail: true }));
    assert.equal(view.ok, true, view.log);
    assert.deepEqual(JSON.parse(view.payloadText), { module: '1.4.2', dist: '1.4.2', hello: 'layers' });
    assert.equal(view.executedVersion, '$LATEST');
    assert.match(view.log ?? '', /version 1\.4\.2/);
    assert.ok(view.report && view.report.durationMs! > 0 && view.report.memorySizeMb === 128, view.log);
    assert.equal(
      view.coldStart,
      true,
      'the first invoke after the layer change starts a new environment and reports Init Duration',
    );
    assert.equal(view.requestId, view.report!.requestId);

    const cli = await runCli(['invoke', 'greeter', '--payload', '{"name":"cli"}', '--log', '--endpoint', sandbox.url]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), { module: '1.4.2', dist: '1.4.2', hello: 'cli' });
    assert.match(cli.stderr, /^REPORT RequestId: \S+\tDuration: /m);

    const code = join(dir, 'greeter-code');
    await fs.mkdir(code, { recursive: true });
    await fs.writeFile(
      join(code, 'lambda_function.py'),
      'import greetlib\n\ndef handler(event, context):\n    return {"module": greetlib.__version__}\n',
    );
    const local = await invokeLocally({
      codeDir: code,
      handler: 'lambda_function.handler',
      runtime: RUNTIME,
      layers: [{ zip: built.zipPath }],
      event: enc('{}'),
    });
    assert.deepEqual(JSON.parse(local.view.payloadText), { module: '1.4.2' });
    assert.equal(local.versionWarning, undefined);

    const probe = await probeLayerImports(probeTargetFromManifest(built.manifest, arn, built.zipPath), {
      gateway: gw,
      role: LOCAL_ROLE_ARN,
    });
    assert.deepEqual(
      probe.rows.map((r) => [r.package, r.expectedVersion, r.importedVersion, r.status]),
      [
        ['greetlib', '1.4.2', '1.4.2', 'ok'],
        ['other-dep', '0.3.0', '0.3.0', 'ok'],
      ],
    );
    await deleteProbeFunction(gw, probe.functionName);
  },
);

test(
  'the probe table marks packages whose native code does not load and keeps the others ok',
  { timeout: 120_000 },
  async () => {
    const built = await build(
      'mixed-deps',
      [
        { name: 'goodpkg', version: '2.0.0' },
        // pure-Python tag, but its extension module is an aarch64 ELF: pip takes it, the scan flags it, import fails
        {
          name: 'armonly',
          version: '1.0.0',
          files: { 'armonly/__init__.py': 'from ._native import hello\n' },
          native: { elf: { machine: 'aarch64' } },
        },
        // an extension module that is not an ELF file at all
        {
          name: 'garbled',
          version: '0.9.0',
          files: {
            'garbled/__init__.py': 'from . import _speedups\n',
            'garbled/_speedups.abi3.so': Buffer.from('definitely not ELF'),
          },
        },
      ],
      true,
    );
    assert.ok(built.manifest.incompatibilities.length > 0, 'the build scan saw the aarch64 object');
    const arn = await publish(built);
    const gw = session.gateway;

    // As for a layer built elsewhere: packages are read from the downloaded layer's dist-info.
    const progress: string[] = [];
    const report = await probeLayerImports(
      { layerVersionArn: arn },
      { gateway: gw, role: LOCAL_ROLE_ARN, onProgress: (m) => progress.push(m) },
    );
    assert.ok(
      progress.some((m) => /Downloading/.test(m)),
      progress.join('\n'),
    );
    assert.equal(report.functionName, 'lambda-layers-probe-python311-x86_64');
    const rows = Object.fromEntries(report.rows.map((r) => [r.package, r]));
    assert.deepEqual(Object.keys(rows).sort(), ['armonly', 'garbled', 'goodpkg']);
    assert.equal(rows.goodpkg.status, 'ok');
    assert.equal(rows.goodpkg.importedVersion, '2.0.0');
    assert.equal(rows.armonly.status, 'importFailed');
    assert.equal(rows.armonly.importedVersion, '1.0.0', 'metadata is there even though the import fails');
    assert.match(rows.armonly.error ?? '', /^armonly: ImportError: .*_native/);
    assert.equal(rows.garbled.status, 'importFailed');
    assert.match(rows.garbled.error ?? '', /^garbled: ImportError: .*_speedups/);

    // A second probe of the same runtime reuses the function; deleting it is offered afterwards.
    const again = await probeLayerImports({ layerVersionArn: arn }, { gateway: gw, role: LOCAL_ROLE_ARN });
    assert.deepEqual(
      again.rows.map((r) => r.status),
      report.rows.map((r) => r.status),
    );
    await deleteProbeFunction(gw, report.functionName);
    await assert.rejects(
      gw.getFunctionConfiguration(report.functionName),
      (e: unknown) => classifyAwsError(e) === 'notFound',
    );
  },
);

test('error display: handler raises, import error, timeout', { timeout: 60_000 }, async () => {
  const gw = session.gateway;
  await createFunction(
    'raiser',
    'def handler(event, context):\n    raise ValueError("order " + str(event["id"]) + " is invalid")\n',
  );
  const raised = toInvokeView(await gw.invoke('raiser', enc('{"id":7}'), { tail: true }));
  assert.equal(raised.statusCode, 200);
  assert.equal(raised.ok, false);
  assert.equal(raised.functionError?.kind, 'Unhandled');
  assert.equal(raised.functionError?.type, 'ValueError');
  assert.equal(raised.functionError?.message, 'order 7 is invalid');
  assert.match(raised.functionError?.stack.join('') ?? '', /lambda_function\.py", line 2, in handler/);
  assert.match(raised.log ?? '', /\[ERROR\] ValueError: order 7 is invalid/);

  const cli = await runCli(['invoke', 'raiser', '--payload', '{"id":8}', '--endpoint', sandbox.url]);
  assert.equal(cli.code, 1);
  assert.equal(JSON.parse(cli.stdout).errorType, 'ValueError');
  assert.match(cli.stderr, /the function failed: ValueError: order 8 is invalid/);

  await createFunction('importer', 'import not_installed_anywhere\n\ndef handler(event, context):\n    return 1\n');
  const imported = toInvokeView(await gw.invoke('importer', enc('{}')));
  assert.equal(imported.functionError?.type, 'Runtime.ImportModuleError');
  assert.match(
    imported.functionError?.message ?? '',
    /Unable to import module 'lambda_function': No module named 'not_installed_anywhere'/,
  );

  await createFunction('sleeper', 'import time\n\ndef handler(event, context):\n    time.sleep(5)\n', { timeout: 1 });
  const slept = toInvokeView(await gw.invoke('sleeper', enc('{}'), { tail: true }));
  assert.equal(slept.functionError?.type, 'Sandbox.Timedout');
  assert.match(slept.functionError?.message ?? '', /Task timed out after 1\.00 seconds/);
  assert.match(slept.log ?? '', /Task timed out after 1\.00 seconds/);
});

test(
  'error display: payload too large (413) and unknown function (404) are explained, also by the CLI',
  { timeout: 60_000 },
  async () => {
    const gw = session.gateway;
    await createFunction('echo', 'def handler(event, context):\n    return event\n');
    const big = enc(JSON.stringify({ blob: 'x'.repeat(6_291_456) }));
    const tooLarge = await gw.invoke('echo', big).then(
      () => assert.fail('expected 413'),
      (e: unknown) => e,
    );
    assert.equal((tooLarge as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 413);
    assert.equal(classifyAwsError(tooLarge), 'tooLarge');
    const shown = invokeUserError(tooLarge, 'echo', big.byteLength);
    assert.ok(shown instanceof UserError);
    assert.match(
      shown.message,
      /The payload \(6\.0 MB\) is larger than Lambda accepts for a synchronous invoke \(6\.0 MB\)/,
    );

    const missing = await gw.invoke('no-such-function', enc('{}')).then(
      () => assert.fail('expected 404'),
      (e: unknown) => e,
    );
    const missingShown = invokeUserError(missing, 'no-such-function', 2, { connection: localConnection(sandbox.url) });
    assert.match(missingShown.message, /Function "no-such-function" was not found in us-east-1/);
    assert.match(
      (missingShown as UserError).detail ?? '',
      /Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-function/,
    );

    const bigFile = join(dir, 'big.json');
    await fs.writeFile(bigFile, big);
    const cliBig = await runCli(['invoke', 'echo', '--payload', `@${bigFile}`, '--endpoint', sandbox.url]);
    assert.equal(cliBig.code, 1);
    assert.match(cliBig.stderr, /larger than Lambda accepts/);
    const cliMissing = await runCli(['invoke', 'no-such-function', '--endpoint', sandbox.url]);
    assert.equal(cliMissing.code, 1);
    assert.match(cliMissing.stderr, /"no-such-function" was not found/);
  },
);
