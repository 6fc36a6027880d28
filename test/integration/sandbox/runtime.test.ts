// runPython without the HTTP server: what "local invoke" of a workspace handler with a built layer uses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip } from '../../../src/sandbox/runtime/extractZip';
import { hostIsolation, type Isolation } from '../../../src/sandbox/runtime/isolation';
import { resolvePython } from '../../../src/sandbox/runtime/python';
import { runPython, type RunPythonOptions } from '../../../src/sandbox/runtime/runPython';
import { isCancellation } from '../../../src/util/errors';
import { pythonPackageLayer } from '../../helpers/sandbox';

describe('runPython', () => {
  let base: string;
  let codeDir: string;
  let optDir: string;
  let localMinor: string;

  const run = (handler: string, extra: Partial<RunPythonOptions> = {}) =>
    runPython({
      codeDir,
      optDir,
      handler,
      runtime: `python${localMinor}`,
      event: Buffer.from('{"n": 2}'),
      timeoutSeconds: 3,
      memoryMb: 128,
      functionName: 'local',
      ...extra,
    });
  const payload = (r: { payload: Uint8Array }) =>
    JSON.parse(Buffer.from(r.payload).toString()) as Record<string, unknown>;

  before(async () => {
    base = await fs.mkdtemp(join(tmpdir(), 'runpython-'));
    codeDir = join(base, 'task');
    optDir = join(base, 'opt');
    localMinor = (await resolvePython('python3.12')).minor;
    await extractZip(pythonPackageLayer('mypkg', '1.2.3'), optDir, { maxUnzippedBytes: 262_144_000 });
    await fs.mkdir(join(codeDir, 'pkg'), { recursive: true });
    await fs.writeFile(
      join(codeDir, 'app.py'),
      [
        'import os, sys, time, importlib.metadata',
        'import mypkg',
        'def ok(event, context):',
        '    print("to stdout")',
        '    print("to stderr", file=sys.stderr)',
        '    return {"double": event["n"] * 2, "pkg": importlib.metadata.version("mypkg"), "env": os.environ.get("GREETING")}',
        'def unserialisable(event, context):',
        '    return {"s": {1, 2}}',
        'def exits(event, context):',
        '    sys.exit(3)',
        'def sleeps(event, context):',
        '    time.sleep(60)',
        'def hog(event, context):',
        '    blocks = [b"x" * (16 * 1024 * 1024) for _ in range(event["n"] // 16)]',
        '    return len(blocks) * 16',
        '',
      ].join('\n'),
    );
    await fs.writeFile(join(codeDir, 'pkg', '__init__.py'), '');
    await fs.writeFile(join(codeDir, 'pkg', 'mod.py'), 'def handler(event, context):\n    return "nested"\n');
  });
  after(() => fs.rm(base, { recursive: true, force: true }));

  it('runs a handler against a code dir and an opt dir, with env and merged log', async () => {
    const r = await run('app.ok', { env: { GREETING: 'hi' } });
    assert.equal(r.functionError, undefined);
    assert.deepEqual(payload(r), { double: 4, pkg: '1.2.3', env: 'hi' });
    assert.equal(r.runtimeMismatch, undefined);
    assert.ok(r.initDurationMs! > 0);
    assert.ok(r.durationMs >= 0);
    assert.match(r.log, /START RequestId: \S+ Version: \$LATEST\nto stdout\nto stderr\nEND RequestId/);
  });

  it('resolves "pkg/mod.handler" like the runtime', async () => {
    assert.equal(Buffer.from((await run('pkg/mod.handler')).payload).toString(), '"nested"');
  });

  it('reports the Python version mismatch in the result, the log and REPORT', async () => {
    const other = localMinor === '3.12' ? 'python3.13' : 'python3.12';
    const python = await resolvePython(other);
    const r = await run('app.ok', { runtime: other });
    if (python.minor === other.slice('python'.length)) {
      assert.equal(r.runtimeMismatch, undefined); // this machine has the exact interpreter
    } else {
      assert.match(r.runtimeMismatch!, new RegExp(`${other}.*${python.version.replace(/\./g, '\\.')}`));
      assert.match(r.log, /SANDBOX_WARNING: /);
      assert.match(r.log, /REPORT .*\tLocal Python: \d+\.\d+\.\d+ \(function runtime python3\.\d+\)\t/);
    }
  });

  it('turns marshal failures and sys.exit into the runtime errors', async () => {
    const m = await run('app.unserialisable');
    assert.equal(m.functionError, 'Unhandled');
    assert.equal(payload(m).errorType, 'Runtime.MarshalError');
    assert.match(
      payload(m).errorMessage as string,
      /^Unable to marshal response: Object of type set is not JSON serializable/,
    );

    const x = await run('app.exits');
    assert.equal(x.functionError, 'Unhandled');
    assert.equal(payload(x).errorType, 'Runtime.ExitError');
    assert.match(payload(x).errorMessage as string, /Runtime exited with error: exit status 3/);
  });

  it('stops on abort and rejects with a cancellation', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const p = run('app.sleeps', { signal: controller.signal, timeoutSeconds: 60 });
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(p, (e) => isCancellation(e));
    assert.ok(Date.now() - started < 5000);
  });

  it('enforces the memory size with each mechanism this machine offers: past it Runtime.OutOfMemory', async (t) => {
    const host = await hostIsolation();
    const direct = { ...host, bwrap: false, cleanup: 'environ-sweep' as const, cgroupDir: undefined };
    const mechanisms: Array<[string, Isolation]> = [
      [`this machine's (${host.memory.kind})`, host],
      ['the /proc watcher', { ...host, memory: { kind: 'watch', sampler: 'proc' } }],
      ['the ps watcher (macOS)', { ...direct, memory: { kind: 'watch', sampler: 'ps' } }],
    ];
    for (const [name, isolation] of mechanisms) {
      await t.test(name, async () => {
        const within = await run('app.hog', { event: Buffer.from('{"n": 32}'), isolation });
        assert.equal(within.functionError, undefined, within.log);
        const over = await run('app.hog', { event: Buffer.from('{"n": 2048}'), isolation, timeoutSeconds: 20 });
        assert.equal(payload(over).errorType, 'Runtime.OutOfMemory', over.log);
        assert.match(over.log, /REPORT .*Max Memory Used: 128 MB.*Error Type: Runtime.OutOfMemory/);
      });
    }
  });

  it('rejects runtimes it has no launcher for', async () => {
    await assert.rejects(run('app.ok', { runtime: 'java21' }), /java21 functions cannot run locally/);
  });
});
