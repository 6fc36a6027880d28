// The Node.js import probe (src/invoke/lambda_layers_probe.cjs) run with this machine's node as Lambda would run it:
// its code in a /var/task-like folder, the layer's packages in an /opt/nodejs/node_modules-like folder on NODE_PATH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROBE_MODULE, parseProbeResponse, type ProbeRequest } from '../../../src/invoke/probeHandler';
import { probeLanguageOf } from '../../../src/invoke/probeLanguage';

let dir: string;
let task: string;
let nodeModules: string;

async function files(root: string, entries: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(entries)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-node-probe-'));
  task = join(dir, 'task');
  nodeModules = join(dir, 'opt', 'nodejs', 'node_modules');
  const file = probeLanguageOf('nodejs22.x')!.codeFile();
  assert.equal(file.name, `${PROBE_MODULE}.cjs`);
  await files(task, { [file.name]: file.source, 'package.json': '{"type":"module"}' });
  const pkg = (name: string, fields: Record<string, unknown>) => JSON.stringify({ name, ...fields });
  await files(nodeModules, {
    'cjs-pkg/package.json': pkg('cjs-pkg', { version: '1.2.3', main: 'lib/main.js' }),
    'cjs-pkg/lib/main.js': 'module.exports = { value: 1 };\n',
    // ES modules only: "type": "module" and "exports" with an "import" condition and no "require"
    'esm-only/package.json': pkg('esm-only', {
      version: '4.0.0',
      type: 'module',
      exports: { '.': { import: './dist/index.js' }, './package.json': './package.json' },
    }),
    'esm-only/dist/index.js': "import { cjs } from './helper.js';\nexport default cjs + 1;\n",
    'esm-only/dist/helper.js': 'export const cjs = 41;\n',
    // ES modules, "exports" without conditions: require() loads it only where require(esm) is on
    'esm-plain/package.json': pkg('esm-plain', { version: '3.1.0', type: 'module', exports: './index.js' }),
    'esm-plain/index.js': 'export const x = 1;\n',
    'thrower/package.json': pkg('thrower', { version: '0.0.1' }),
    'thrower/index.js': "throw new TypeError('cannot initialise: missing native binding');\n",
    '@scope/util/package.json': pkg('@scope/util', { version: '2.0.0-beta.1', exports: './u.js' }),
    '@scope/util/u.js': 'module.exports = 7;\n',
    // busy for 100 ms when loaded: timed heavier than cjs-pkg, each in its own fresh process
    'slow/package.json': pkg('slow', { version: '1.0.0' }),
    'slow/index.js': 'const t = Date.now();\nwhile (Date.now() - t < 100);\nmodule.exports = 1;\n',
    // packages that end the process that loads them, as a broken native addon does
    'exiter/package.json': pkg('exiter', { version: '3.0.0' }),
    'exiter/index.js': "process.stderr.write('exiter: no prebuilt binary for this platform\\n');\nprocess.exit(3);\n",
    'aborter/package.json': pkg('aborter', { version: '6.0.0' }),
    'aborter/index.js': 'process.abort();\n',
    'segfault/package.json': pkg('segfault', { version: '1.1.0' }),
    'segfault/index.js': "process.kill(process.pid, 'SIGSEGV');\nwhile (true);\n",
    // keeps its process's event loop busy for ever: loaded, reported, and its process ended anyway
    'keeps-open/package.json': pkg('keeps-open', { version: '2.2.0' }),
    'keeps-open/index.js': 'setInterval(() => {}, 1000);\nmodule.exports = 1;\n',
  });
});

after(() => rm(dir, { recursive: true, force: true }));

/** Invokes `handler(event)` the way the Lambda runtime loads a `.cjs` handler, with NODE_PATH as Lambda sets it. */
function runHandler(event: ProbeRequest, nodeOptions = ''): unknown {
  const script = `require(${JSON.stringify(join(task, `${PROBE_MODULE}.cjs`))}).handler(JSON.parse(require('fs').readFileSync(0, 'utf8'))).then((r) => process.stdout.write(JSON.stringify(r)));`;
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: task,
    input: JSON.stringify(event),
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NODE_PATH: `${nodeModules}:/var/runtime/node_modules`, NODE_OPTIONS: nodeOptions },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const EVENT: ProbeRequest = {
  packages: ['cjs-pkg', 'esm-only', 'esm-plain', 'thrower', '@scope/util', 'slow', 'not-there'].map((name) => ({
    name,
    modules: [name],
  })),
};

// Lambda's Node 20 and 22 turn require(esm) off (--no-experimental-require-module): the probe must import()
// ES-module-only packages itself; with it on (this machine's Node 20.19+ default) require() loads them.
for (const [label, nodeOptions] of [
  ['require(esm) off, as on Lambda', '--no-experimental-require-module'],
  ['require(esm) as this Node.js has it', ''],
] as const) {
  test(`the Node.js probe: versions, loads, failures and load times (${label})`, () => {
    const raw = runHandler(EVENT, nodeOptions) as { packages: { modules: { loadedBy?: string }[] }[] };
    const response = parseProbeResponse(raw);
    assert.ok(response);
    assert.deepEqual(
      raw.packages.slice(0, 3).map((p) => p.modules[0].loadedBy),
      ['require', 'import', nodeOptions ? 'import' : 'require'],
      'cjs-pkg, esm-only (an "import" condition only), esm-plain',
    );
    assert.equal(response.node, process.versions.node);
    assert.match(response.machine ?? '', /^(x86_64|aarch64|arm64)$/);
    const row = (name: string) => response.packages.find((p) => p.name === name)!;
    assert.deepEqual(
      response.packages.map((p) => [p.name, p.version, p.modules[0]?.ok]),
      [
        ['cjs-pkg', '1.2.3', true],
        ['esm-only', '4.0.0', true],
        ['esm-plain', '3.1.0', true],
        ['thrower', '0.0.1', false],
        ['@scope/util', '2.0.0-beta.1', true],
        ['slow', '1.0.0', true],
        ['not-there', undefined, false],
      ],
    );
    assert.equal(row('cjs-pkg').modules[0].file, join(nodeModules, 'cjs-pkg', 'lib', 'main.js'));
    assert.equal(row('esm-only').modules[0].file, join(nodeModules, 'esm-only', 'dist', 'index.js'));
    assert.equal(row('@scope/util').modules[0].file, join(nodeModules, '@scope', 'util', 'u.js'));
    assert.equal(row('thrower').modules[0].error, 'TypeError: cannot initialise: missing native binding');
    assert.match(
      row('not-there').modules[0].error ?? '',
      /^Error \[MODULE_NOT_FOUND\]: Cannot find module 'not-there'/,
    );
    assert.match(row('not-there').versionError ?? '', /no package\.json of not-there/);
    const ms = (name: string) => row(name).modules[0].importMs!;
    assert.ok(ms('slow') >= 90 && ms('slow') > ms('cjs-pkg'), `slow ${ms('slow')} ms, cjs-pkg ${ms('cjs-pkg')} ms`);
    assert.equal(row('thrower').modules[0].importMs, undefined);
  });
}

test('the Node.js probe on an empty event answers with no packages', () => {
  assert.deepEqual(parseProbeResponse(runHandler({ packages: [] }))?.packages, []);
});

test('the Node.js probe reads a package it is given no modules for (one the dependencies pull in) without loading it', () => {
  const response = parseProbeResponse(runHandler({ packages: [{ name: 'thrower', modules: [] }] }));
  const [row] = response?.packages ?? [];
  assert.deepEqual([row?.name, row?.version, row?.modules], ['thrower', '0.0.1', []]);
});

test('the Node.js probe: a package that ends its process is reported failed, with how; the others still report', () => {
  const names = ['cjs-pkg', 'exiter', 'aborter', 'thrower', 'segfault', 'keeps-open', '@scope/util'];
  const started = Date.now();
  const response = parseProbeResponse(runHandler({ packages: names.map((name) => ({ name, modules: [name] })) }));
  assert.ok(Date.now() - started < 30_000, 'no load waited for a timeout');
  const rows = response?.packages ?? [];
  assert.deepEqual(
    rows.map((p) => [p.name, p.version, p.modules[0]?.ok]),
    [
      ['cjs-pkg', '1.2.3', true],
      ['exiter', '3.0.0', false],
      ['aborter', '6.0.0', false],
      ['thrower', '0.0.1', false],
      ['segfault', '1.1.0', false],
      ['keeps-open', '2.2.0', true],
      ['@scope/util', '2.0.0-beta.1', true],
    ],
  );
  const error = (name: string) => rows.find((p) => p.name === name)?.modules[0].error ?? '';
  assert.equal(
    error('exiter'),
    'the process exited with code 3 while loading (stderr: exiter: no prebuilt binary for this platform)',
  );
  assert.match(error('aborter'), /^the process was killed by SIGABRT while loading/);
  assert.match(error('segfault'), /^the process was killed by SIGSEGV while loading$/);
  assert.equal(error('thrower'), 'TypeError: cannot initialise: missing native binding');
  assert.ok(rows[0].modules[0].importMs !== undefined && rows[5].modules[0].importMs !== undefined);
});
