import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvFields } from '../../../src/layer/distInfo';
import { distInfoDir, installPath, rewriteRecord } from '../../../src/layer/wheelLayout';
import { parseInstallReport } from '../../../src/layer/resolve';

const DI = 'pkg-1.0.dist-info';

test('install paths: root and .data/purelib|platlib go to python/; scripts, headers, data, folders and RECORD do not', () => {
  assert.equal(installPath('pkg/__init__.py', DI, 'w.whl'), 'pkg/__init__.py');
  assert.equal(installPath(`${DI}/METADATA`, DI, 'w.whl'), `${DI}/METADATA`);
  assert.equal(installPath('pkg-1.0.data/purelib/pure.py', DI, 'w.whl'), 'pure.py');
  assert.equal(installPath('pkg-1.0.data/platlib/pkg/_ext.so', DI, 'w.whl'), 'pkg/_ext.so');
  for (const dropped of [
    'pkg-1.0.data/scripts/tool',
    'pkg-1.0.data/headers/pkg.h',
    'pkg-1.0.data/data/share/x',
    'pkg/',
    `${DI}/RECORD`,
  ]) {
    assert.equal(installPath(dropped, DI, 'w.whl'), undefined, dropped);
  }
});

test('names with dots that stay inside python/ are installed as they are', () => {
  for (const good of ['pkg/.hidden', 'pkg/..foo.py', 'pkg/a..b.py', '.libs/x.so', 'pkg/x.', 'pkg/...']) {
    assert.equal(installPath(good, DI, 'w.whl'), good);
  }
});

test('a wheel file that would land outside python/ fails the build, naming the wheel and the file', () => {
  for (const bad of [
    '../evil.py',
    '/etc/passwd',
    'pkg/../../x.py',
    'pkg-1.0.data/purelib/../../x',
    'C:/x.py',
    'pkg/..',
  ]) {
    assert.throws(
      () => installPath(bad, DI, 'w.whl'),
      { message: `w.whl is not a valid wheel: it holds a file outside its install folder (${bad}).` },
      bad,
    );
  }
});

test('a wheel path with a backslash, "." or an empty segment is refused as not plain, not as outside the folder', () => {
  for (const odd of ['pkg\\x.py', 'pkg//x.py', './x.py', 'pkg/./x.py']) {
    assert.throws(
      () => installPath(odd, DI, 'w.whl'),
      {
        message: `w.whl is not a valid wheel: the path ${odd} is not a plain "/"-separated path (it has a backslash, a "." or an empty segment).`,
      },
      odd,
    );
  }
});

test('the dist-info folder is the one with METADATA; a wheel without one is refused', () => {
  assert.equal(distInfoDir(['pkg/__init__.py', 'pkg-1.0.dist-info/METADATA'], 'w.whl'), 'pkg-1.0.dist-info');
  assert.throws(
    () => distInfoDir(['pkg/__init__.py'], 'w.whl'),
    /w\.whl is not a valid wheel: it has no \.dist-info\/METADATA/,
  );
});

test('RECORD is rewritten as pip writes it for --target: install paths, added files hashed, bytecode without hash, sorted, CRLF', () => {
  const original = [
    'pkg/__init__.py,sha256=abc,10',
    '"pkg/we,ird.py",sha256=def,3',
    'pkg-1.0.data/purelib/pure.py,sha256=ghi,4',
    'pkg-1.0.data/scripts/tool,sha256=jkl,5',
    `${DI}/RECORD,,`,
    '',
  ].join('\n');
  const text = rewriteRecord({
    original,
    distInfo: DI,
    place: (n) => installPath(n, DI, 'w.whl'),
    installed: [],
    generated: [{ path: `${DI}/INSTALLER`, data: Buffer.from('pip\n') }],
    bytecode: ['pkg/__pycache__/__init__.cpython-311.pyc'],
  });
  assert.equal(
    text,
    [
      `${DI}/INSTALLER,sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg,4`,
      `${DI}/RECORD,,`,
      'pkg/__init__.py,sha256=abc,10',
      'pkg/__pycache__/__init__.cpython-311.pyc,,',
      '"pkg/we,ird.py",sha256=def,3',
      'pure.py,sha256=ghi,4',
      '',
    ].join('\r\n'),
  );
  assert.deepEqual(csvFields('"pkg/we,ird.py",sha256=def,3'), ['pkg/we,ird.py', 'sha256=def', '3']);
});

test('a file the wheel installs but its RECORD leaves out gets a row without hash, as pip writes it; a row for a missing file stays', () => {
  const text = rewriteRecord({
    original: `pkg/__init__.py,sha256=abc,10\npkg/ghost.py,sha256=x,1\n${DI}/RECORD,,\n`,
    distInfo: DI,
    place: (n) => installPath(n, DI, 'w.whl'),
    installed: ['pkg/__init__.py', 'pkg-1.0.data/purelib/hidden.py', `${DI}/METADATA`],
    generated: [],
    bytecode: [],
  });
  assert.equal(
    text,
    [
      'hidden.py,,',
      `${DI}/METADATA,,`,
      `${DI}/RECORD,,`,
      'pkg/__init__.py,sha256=abc,10',
      'pkg/ghost.py,sha256=x,1',
      '',
    ].join('\r\n'),
  );
});

test("pip's installation report: wheels in the report's order with SHA-256 and requested; an sdist is refused with what to do", () => {
  const item = (name: string, url: string, requested: boolean, hash = 'a'.repeat(64)) => ({
    metadata: { name, version: '1.0' },
    download_info: { url, archive_info: { hashes: { sha256: hash } } },
    requested,
  });
  const report = {
    version: '1',
    install: [
      item('app', 'file:///w/app-1.0-py3-none-any.whl', true),
      item('dep', 'https://idx/dep-1.0-py3-none-any.whl#sha256=x', false, 'B'.repeat(64)),
    ],
  };
  assert.deepEqual(parseInstallReport(JSON.stringify(report)), [
    { name: 'app', version: '1.0', url: 'file:///w/app-1.0-py3-none-any.whl', sha256: 'a'.repeat(64), requested: true },
    {
      name: 'dep',
      version: '1.0',
      url: 'https://idx/dep-1.0-py3-none-any.whl#sha256=x',
      sha256: 'b'.repeat(64),
      requested: false,
    },
  ]);
  const sdist = { version: '1', install: [item('src', 'https://u:p@idx/src-1.0.tar.gz', true)] };
  assert.throws(() => parseInstallReport(JSON.stringify(sdist)), {
    message:
      'src resolved to https://***@idx/src-1.0.tar.gz, which is not a wheel. Allow source builds to build it on this machine.',
  });
});

test("a direct URL item of pip's report carries direct_url.json as pip writes it (json.dumps, sorted keys, ASCII)", () => {
  const download_info = {
    url: 'https://h/é x.whl',
    archive_info: { hashes: { sha256: 'a'.repeat(64) }, hash: 'sha256=ab' },
  };
  const report = {
    version: '1',
    install: [
      { metadata: { name: 'x', version: '1' }, download_info, is_direct: true, requested: true },
      { metadata: { name: 'y', version: '1' }, download_info: { ...download_info, url: 'https://h/y.whl' } },
    ],
  };
  const [direct, indexed] = parseInstallReport(JSON.stringify(report));
  assert.equal(
    direct.directUrl,
    `{"archive_info": {"hash": "sha256=ab", "hashes": {"sha256": "${'a'.repeat(64)}"}}, "url": "https://h/\\u00e9 x.whl"}`,
  );
  assert.equal(indexed.directUrl, undefined);
});
