// Node.js environments without the HTTP server: outside bubblewrap (where /opt is another folder), memory limits,
// and a handler that writes garbage to the runtime's channel or floods its log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip } from '../../../src/sandbox/runtime/extractZip';
import { hostIsolation, type Isolation } from '../../../src/sandbox/runtime/isolation';
import { runPython, type RunPythonOptions } from '../../../src/sandbox/runtime/runPython';
import { makeZip } from '../../helpers/sandbox';

const HANDLERS = `
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
exports.hog = async (event) => {
  const blocks = [];
  for (let i = 0; i < event.n / 16; i++) blocks.push(Buffer.alloc(16 * 1024 * 1024, 1));
  return blocks.length * 16;
};
// The channel is fd 4 on Linux and macOS (see bootstrap.cjs): a deliberate write there ends this environment only.
exports.garbage = async () => { fs.writeSync(4, 'not a header\\n'); return 1; };
exports.noisy = async (event) => {
  fs.writeSync(1, 'raw fd 1\\n');
  process.stdout.write(Buffer.from([0xff, 0xfe, 0x41, 0x0a]));
  execFileSync('/bin/sh', ['-c', 'echo child stdout; echo child stderr >&2'], { stdio: 'inherit' });
  if (event.flood) for (let i = 0; i < 2000; i++) process.stdout.write('x'.repeat(4096) + '\\n');
  return 'still fine';
};
`;

describe('Node.js environments (runPython with a nodejs runtime)', () => {
  let base: string;
  let codeDir: string;
  let optDir: string;
  let host: Isolation;
  const unisolated = () => ({
    ...host,
    bwrap: false,
    cleanup: 'environ-sweep' as const,
    cgroupDir: undefined,
    notices: [],
  });
  const run = (handler: string, extra: Partial<RunPythonOptions> = {}) =>
    runPython({
      codeDir,
      optDir,
      handler,
      runtime: 'nodejs20.x',
      event: Buffer.from('{"n": 2}'),
      timeoutSeconds: 10,
      memoryMb: 128,
      functionName: 'local',
      ...extra,
    });
  const payload = (r: { payload: Uint8Array }) =>
    JSON.parse(Buffer.from(r.payload).toString()) as Record<string, unknown>;

  before(async () => {
    host = await hostIsolation();
    base = await fs.mkdtemp(join(tmpdir(), 'node-local-'));
    codeDir = join(base, 'task');
    optDir = join(base, 'opt');
    await extractZip(
      makeZip([
        { name: 'nodejs/node_modules/greeting/package.json', data: '{"name":"greeting","version":"2.3.4"}' },
        { name: 'nodejs/node_modules/greeting/index.js', data: 'exports.version = "2.3.4";\n' },
        {
          name: 'nodejs/node_modules/@scope/dual/package.json',
          data: '{"name":"@scope/dual","exports":{".":{"import":"./esm.mjs","require":"./cjs.js"},"./sub":"./sub.js"}}',
        },
        { name: 'nodejs/node_modules/@scope/dual/esm.mjs', data: 'export const flavour = "esm";\n' },
        { name: 'nodejs/node_modules/@scope/dual/cjs.js', data: 'exports.flavour = "cjs";\n' },
        { name: 'nodejs/node_modules/@scope/dual/sub.js', data: 'exports.sub = true;\n' },
      ]),
      optDir,
      { maxUnzippedBytes: 262_144_000 },
    );
    await fs.mkdir(codeDir);
    await fs.writeFile(join(codeDir, 'app.js'), HANDLERS);
    await fs.writeFile(
      join(codeDir, 'esm.mjs'),
      `import { createRequire } from 'node:module';
import direct from '/opt/nodejs/node_modules/greeting/index.js';
import viaUrl from 'file:///opt/nodejs/node_modules/greeting/index.js';
import bare from 'greeting';
import { flavour } from '@scope/dual';
import { sub } from '@scope/dual/sub';
const require = createRequire(import.meta.url);
export const handler = async () => ({
  dual: [flavour, require('@scope/dual').flavour, sub],
  resolved: require.resolve('greeting'),
  absolute: require('/opt/nodejs/node_modules/greeting').version,
  versions: [direct.version, viaUrl.version, bare.version],
});
`,
    );
  });
  after(() => fs.rm(base, { recursive: true, force: true }));

  it('outside bubblewrap, /opt paths in imports and requires name the folder that plays /opt; bare imports use the import conditions', async () => {
    const r = await run('esm.handler', { isolation: unisolated() });
    assert.equal(r.functionError, undefined, r.log);
    assert.deepEqual(payload(r), {
      dual: ['esm', 'cjs', true],
      resolved: join(optDir, 'nodejs', 'node_modules', 'greeting', 'index.js'),
      absolute: '2.3.4',
      versions: ['2.3.4', '2.3.4', '2.3.4'],
    });
  });

  it('enforces the memory size: past it Runtime.OutOfMemory', async () => {
    const within = await run('app.hog', { event: Buffer.from('{"n": 32}') });
    assert.equal(within.functionError, undefined, within.log);
    const over = await run('app.hog', { event: Buffer.from('{"n": 1024}'), timeoutSeconds: 20 });
    assert.equal(payload(over).errorType, 'Runtime.OutOfMemory', over.log);
    assert.match(over.log, /REPORT .*Max Memory Used: 128 MB.*Error Type: Runtime.OutOfMemory/);
  });

  it("a write to the runtime's channel ends the environment with Runtime.ExitError", async () => {
    const r = await run('app.garbage');
    assert.equal(payload(r).errorType, 'Runtime.ExitError', r.log);
    assert.match(
      payload(r).errorMessage as string,
      /invalid message on the runtime's control channel: header line is not JSON/,
    );
  });

  it('fd 1, child processes with inherited stdio, invalid UTF-8 and a flood of output go to the log, never the channel', async () => {
    const r = await run('app.noisy');
    assert.equal(r.functionError, undefined, r.log);
    assert.equal(Buffer.from(r.payload).toString(), '"still fine"');
    assert.match(r.log, /\nraw fd 1\n\uFFFD\uFFFDA\nchild stdout\nchild stderr\nEND RequestId/);
    const flood = await run('app.noisy', { event: Buffer.from('{"flood": true}') });
    assert.equal(Buffer.from(flood.payload).toString(), '"still fine"');
    assert.match(
      flood.log,
      /^\[sandbox: \d+ earlier bytes of log dropped\]/,
      'the log is bounded, oldest output first',
    );
    assert.match(flood.log, /REPORT RequestId/);
  });
});
