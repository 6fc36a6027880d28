import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readZip } from '../../fixtures/zipRead';
import { UserError } from '../../../src/util/errors';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

test('python3.11 refuses a manylinux_2_28-only package with a clear message; python3.12 accepts it', async () => {
  const req = await ws.requirements(['only228==2.0']);
  await assert.rejects(ws.build(req, 'python3.11', 'x86_64'), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(
      e.message,
      /^only228 2\.0 has no wheel that loads on python3\.11 \(x86_64\): its wheels for x86_64 need glibc 2\.28 or newer/,
    );
    assert.match(e.message, /build for python3\.12/);
    assert.deepEqual(
      e.actions?.map((a) => a.title),
      ['Build for python3.12', 'Show Log'],
    );
    return true;
  });
  const ok = await ws.build(req, 'python3.12', 'x86_64');
  assert.deepEqual(
    ok.manifest.packages.map((p) => [p.name, p.version]),
    [['only228', '2.0']],
  );
  assert.deepEqual(ok.manifest.incompatibilities, []);
});

test('arm64 takes the aarch64 wheel, x86_64 the x86_64 one', async () => {
  const req = await ws.requirements(['dual', 'armonly']);
  const arm = await ws.build(req, 'python3.12', 'arm64');
  const entries = await readZip(arm.zipPath);
  assert.equal(entries.find((e) => e.name === 'python/dual/arch.txt')?.data.toString(), 'aarch64');
  assert.ok(entries.some((e) => e.name === 'python/armonly/_native.abi3.so'));
  assert.equal(arm.manifest.architecture, 'arm64');

  const x64 = await ws.build(await ws.requirements(['dual']), 'python3.12', 'x86_64');
  assert.equal((await readZip(x64.zipPath)).find((e) => e.name === 'python/dual/arch.txt')?.data.toString(), 'x86_64');
  await assert.rejects(
    ws.build(req, 'python3.12', 'x86_64'),
    /armonly 1\.0 has no wheel that loads on python3\.12 \(x86_64\): its wheels are for the arm64 architecture only/,
  );
});

test('a cp311-only wheel installs for python3.11 but not python3.12; an sdist-only package never without source builds', async () => {
  const req = await ws.requirements(['cp311only', 'm2014']);
  const ok = await ws.build(req, 'python3.11', 'x86_64');
  assert.deepEqual(
    ok.manifest.packages.map((p) => p.name),
    ['cp311only', 'm2014'],
  );
  await assert.rejects(
    ws.build(req, 'python3.12', 'x86_64'),
    /cp311only 1\.0 has no wheel that loads on python3\.12 \(x86_64\): its wheels are for cp311 only\. To fix it: build for python3\.11/,
  );
  await assert.rejects(
    ws.build(await ws.requirements(['srconly']), 'python3.12', 'x86_64'),
    /srconly \S+ has no wheel that loads on python3\.12 \(x86_64\).*allow source builds/s,
  );
});

test('dependencies are resolved and listed with top-level modules; options inside the requirements file are honoured', async () => {
  // No PIP_* settings at all: the requirements file itself points pip at the wheel folder.
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('PIP_')) delete env[k];
  const req = await ws.requirements(['--no-index', `--find-links ${ws.wheelhouse}`, 'app==0.3.0']);
  const result = await ws.build(req, 'python3.13', 'x86_64', { env: { ...env, PIP_CONFIG_FILE: '/dev/null' } });
  assert.deepEqual(
    result.manifest.packages.map((p) => [p.name, p.version, p.topLevel]),
    [
      ['app', '0.3.0', ['app']],
      ['purepkg', '1.2.0', ['purepkg']],
    ],
  );
  assert.ok(result.manifest.packages.every((p) => p.size > 0 && p.files > 0));
});
