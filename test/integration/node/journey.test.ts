// The Node.js journey end to end with the CLI, as a user runs it: build a layer from package.json (npm against the
// real local registry), publish it to the local endpoint, create nodejs22.x functions that use it (CommonJS with a
// bare require, ES module with the createRequire form the ESM warning recommends), invoke them, see the versions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativePackageSet, plainPackage } from '../../fixtures/npmPackages';
import { cliEnv, runCli } from '../../helpers/cli';
import { startNpmRegistry, type NpmRegistry } from '../../helpers/npmRegistry';
import { withSandbox, type TestSandbox } from '../../helpers/sandbox';

let registry: NpmRegistry;
let sandbox: TestSandbox;
let work: string;

before(async () => {
  [registry, sandbox] = await Promise.all([startNpmRegistry(), withSandbox()]);
  work = await mkdtemp(join(tmpdir(), 'll-node-journey-'));
  await registry.publish(
    plainPackage('greeting', '3.2.1'),
    ...nativePackageSet('@journey/native', '1.4.0', [
      { os: 'linux', cpu: 'x64', libc: 'glibc' },
      { os: 'linux', cpu: 'arm64', libc: 'glibc' },
      { os: 'darwin', cpu: 'arm64' },
    ]),
  );
});

after(async () => {
  await Promise.all([registry?.close(), sandbox?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

async function cli(args: string[], env = cliEnv()): Promise<string> {
  const r = await runCli([...args, '--endpoint', sandbox.url], env);
  assert.equal(r.code, 0, `${args.join(' ')}\n${r.stderr}`);
  return r.stdout.trim();
}

test('package.json → layer → nodejs22.x functions (CommonJS and ES module) → invoke returns the versions', async () => {
  const project = await folder('project', {
    'package.json': JSON.stringify({
      name: 'journey',
      version: '1.0.0',
      private: true,
      dependencies: { greeting: '^3.0.0', '@journey/native': '1.4.0' },
    }),
  });
  const zip = join(project, 'out', 'journey-deps.zip');
  const built = await runCli(
    ['build', join(project, 'package.json'), '--runtime', 'nodejs22.x', '--arch', 'x86_64', '--out', zip],
    { ...cliEnv(), ...registry.npmEnv() },
  );
  assert.equal(built.code, 0, built.stderr);

  const arn = await cli(['publish', zip, '--name', 'journey-deps']);
  assert.match(arn, /^arn:aws:lambda:us-east-1:\d{12}:layer:journey-deps:1$/);

  const cjs = await folder('cjs-fn', {
    'index.js': `exports.handler = async () => ({
  greeting: require('greeting').version,
  native: require('@journey/native').version,
  twin: require('@journey/native').binary.split('/node_modules/')[1],
});
`,
  });
  await cli(['create-function', 'node-cjs', '--from', cjs, '--runtime', 'nodejs22.x', '--handler', 'index.handler']);
  await cli(['attach', 'node-cjs', arn]);
  assert.deepEqual(JSON.parse(await cli(['invoke', 'node-cjs'])), {
    greeting: '3.2.1',
    native: '1.4.0',
    twin: '@journey/native-linux-x64-gnu/native.node',
  });

  const esm = await folder('esm-fn', {
    'app.mjs': `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const greeting = require('greeting');
export const handler = async (event) => ({ greeting: greeting.version, from: require.resolve('greeting'), echo: event.n });
`,
  });
  await cli([
    'create-function',
    'node-esm',
    '--from',
    esm,
    '--runtime',
    'nodejs22.x',
    '--handler',
    'app.handler',
    '--layers',
    arn,
  ]);
  const out = JSON.parse(await cli(['invoke', 'node-esm', '--payload', '{"n":7}'])) as Record<string, unknown>;
  assert.equal(out.greeting, '3.2.1');
  assert.equal(out.echo, 7);
  assert.equal(out.from, '/opt/nodejs/node_modules/greeting/index.js', 'resolved from the layer, as on Lambda');
});
