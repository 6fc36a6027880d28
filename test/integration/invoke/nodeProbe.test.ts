// The Node.js import probe end to end on the local endpoint (this machine's node, Lambda's NODE_PATH): a layer
// published with a CommonJS package, an ES-module-only one, a scoped one, one that throws at load and two that end
// the process loading them (process.exit, abort); the probe function is created with the layer's nodejs runtime,
// loads each and reports versions from package.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withSandbox, makeZip, sandboxSession, type TestSandbox } from '../../helpers/sandbox';
import type { OpsSession } from '../../../src/ops/session';
import { deleteProbeFunction, probeLayerImports } from '../../../src/invoke/probe';
import { LOCAL_ROLE_ARN } from '../../../src/invoke/roles';

let sandbox: TestSandbox;
let session: OpsSession;

before(async () => {
  sandbox = await withSandbox();
  session = sandboxSession(sandbox);
});
after(async () => {
  session?.dispose();
  await sandbox?.close();
});

const pkg = (name: string, fields: Record<string, unknown>) => JSON.stringify({ name, ...fields });

test(
  'a Node.js layer built elsewhere: every top-level package is loaded on the nodejs runtime',
  { timeout: 120_000 },
  async () => {
    const gw = session.gateway;
    const v = await gw.publishLayerVersion({
      layerName: 'node-probe',
      compatibleRuntimes: ['nodejs20.x', 'nodejs22.x'],
      zipFile: makeZip(
        [
          { name: 'nodejs/node_modules/cjs-pkg/package.json', data: pkg('cjs-pkg', { version: '1.2.3' }) },
          { name: 'nodejs/node_modules/cjs-pkg/index.js', data: 'module.exports = 1;\n' },
          {
            name: 'nodejs/node_modules/esm-only/package.json',
            data: pkg('esm-only', { version: '4.0.0', type: 'module', exports: { '.': { import: './index.js' } } }),
          },
          { name: 'nodejs/node_modules/esm-only/index.js', data: 'export default 42;\n' },
          { name: 'nodejs/node_modules/@scope/util/package.json', data: pkg('@scope/util', { version: '2.0.0' }) },
          { name: 'nodejs/node_modules/@scope/util/index.js', data: 'module.exports = 7;\n' },
          { name: 'nodejs/node_modules/thrower/package.json', data: pkg('thrower', { version: '0.0.1' }) },
          { name: 'nodejs/node_modules/thrower/index.js', data: "throw new Error('no binding');\n" },
          { name: 'nodejs/node_modules/exiter/package.json', data: pkg('exiter', { version: '3.0.0' }) },
          {
            name: 'nodejs/node_modules/exiter/index.js',
            data: "process.stderr.write('exiter: no prebuilt binary\\n');\nprocess.exit(3);\n",
          },
          { name: 'nodejs/node_modules/aborter/package.json', data: pkg('aborter', { version: '6.0.0' }) },
          { name: 'nodejs/node_modules/aborter/index.js', data: 'process.abort();\n' },
        ],
        { deflate: true },
      ),
    });
    const report = await probeLayerImports(
      { layerVersionArn: v.LayerVersionArn! },
      { gateway: gw, role: LOCAL_ROLE_ARN },
    );
    assert.equal(report.functionName, 'lambda-layers-probe-nodejs22x-x86_64');
    assert.equal((await gw.getFunctionConfiguration(report.functionName)).Runtime, 'nodejs22.x');
    assert.equal(report.node, process.versions.node);
    assert.deepEqual(
      report.rows.map((r) => [r.package, r.expectedVersion, r.importedVersion, r.status]),
      [
        ['@scope/util', '2.0.0', '2.0.0', 'ok'],
        ['aborter', '6.0.0', '6.0.0', 'importFailed'],
        ['cjs-pkg', '1.2.3', '1.2.3', 'ok'],
        ['esm-only', '4.0.0', '4.0.0', 'ok'],
        ['exiter', '3.0.0', '3.0.0', 'importFailed'],
        ['thrower', '0.0.1', '0.0.1', 'importFailed'],
      ],
    );
    const error = (name: string) => report.rows.find((r) => r.package === name)?.error ?? '';
    assert.match(error('thrower'), /^thrower: Error: no binding/);
    assert.equal(
      error('exiter'),
      'exiter: the process exited with code 3 while loading (stderr: exiter: no prebuilt binary)',
    );
    assert.match(error('aborter'), /^aborter: the process was killed by SIGABRT while loading/);
    assert.ok(
      report.rows[2].modules[0].file?.endsWith('/nodejs/node_modules/cjs-pkg/index.js'),
      report.rows[2].modules[0].file,
    );
    await deleteProbeFunction(gw, report.functionName);
  },
);
