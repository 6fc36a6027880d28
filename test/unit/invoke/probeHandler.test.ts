import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  PROBE_MODULE,
  parseProbeResponse,
  probeHandlerSource,
  type ProbeRequest,
} from '../../../src/invoke/probeHandler';

/** Runs the generated handler with the machine's python3, the fake site-packages first on sys.path. */
function runHandler(handlerDir: string, site: string, event: ProbeRequest): unknown {
  const script = [
    'import json, sys',
    `sys.path[:0] = [${JSON.stringify(handlerDir)}, ${JSON.stringify(site)}]`,
    `import ${PROBE_MODULE} as probe`,
    'print(json.dumps(probe.handler(json.load(sys.stdin), None)))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(event), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function files(root: string, entries: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(entries)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

test('the generated probe reports versions, working imports and failed ones', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-probe-'));
  try {
    const site = join(dir, 'site');
    const handlerDir = join(dir, 'task');
    await files(handlerDir, { [`${PROBE_MODULE}.py`]: probeHandlerSource() });
    const dist = (name: string, version: string) => ({
      [`${name}-${version}.dist-info/METADATA`]: `Name: ${name}\nVersion: ${version}\n`,
    });
    await files(site, {
      'goodpkg/__init__.py': 'VALUE = 1\n',
      ...dist('goodpkg', '1.2.3'),
      // busy for 100 ms at import: timed heavier than goodpkg in its own fresh interpreter
      'slowpkg/__init__.py': 'import time\nt = time.perf_counter()\nwhile time.perf_counter() - t < 0.1:\n    pass\n',
      ...dist('slowpkg', '1.0'),
      // a native module with garbage bytes: the dynamic loader refuses it, as with a wrong-platform wheel
      'badnative/__init__.py': 'from ._ext import thing\n',
      'badnative/_ext.so': Buffer.from('this is not an ELF file'),
      ...dist('badnative', '0.1.0'),
      // a module that exits the interpreter on import must not end the probe
      'quitter.py': 'raise SystemExit(3)\n',
      ...dist('quitter', '2.0'),
    });
    const raw = runHandler(handlerDir, site, {
      packages: [
        { name: 'goodpkg', modules: ['goodpkg'] },
        { name: 'badnative', modules: ['badnative'] },
        { name: 'quitter', modules: ['quitter'] },
        { name: 'ghost', modules: ['ghost'] },
        { name: 'slowpkg', modules: ['slowpkg'] },
      ],
    });
    const response = parseProbeResponse(raw);
    assert.ok(response, JSON.stringify(raw));
    assert.match(response.python ?? '', /^3\.\d+\.\d+/);
    const [good, bad, quitter, ghost, slow] = response.packages;
    assert.equal(typeof good.modules[0].importMs, 'number');
    assert.ok(
      slow.modules[0].importMs! > good.modules[0].importMs! && slow.modules[0].importMs! >= 100,
      JSON.stringify(slow),
    );
    assert.equal(bad.modules[0].importMs, undefined, 'a failed import is not timed');

    assert.equal(good.version, '1.2.3');
    assert.deepEqual(
      good.modules.map((m) => [m.name, m.ok]),
      [['goodpkg', true]],
    );
    assert.equal(good.modules[0].file, join(site, 'goodpkg', '__init__.py'));

    assert.equal(bad.version, '0.1.0');
    assert.equal(bad.modules[0].ok, false);
    assert.match(bad.modules[0].error ?? '', /^ImportError: .*_ext\.so/);

    assert.equal(quitter.modules[0].ok, false);
    assert.match(quitter.modules[0].error ?? '', /SystemExit: 3/);

    assert.equal(ghost.version, undefined);
    assert.match(ghost.versionError ?? '', /PackageNotFoundError/);
    assert.match(ghost.modules[0].error ?? '', /ModuleNotFoundError: No module named 'ghost'/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("parseProbeResponse rejects answers that are not the probe's", () => {
  assert.equal(parseProbeResponse(null), undefined);
  assert.equal(parseProbeResponse({ packages: 'x' }), undefined);
  assert.equal(parseProbeResponse({ packages: [{ version: '1' }] }), undefined);
  assert.deepEqual(parseProbeResponse({ packages: [] }), {
    python: undefined,
    node: undefined,
    machine: undefined,
    packages: [],
  });
});
