import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRequirements, parseRequirementsText, RequirementsSyntaxError } from '../../../src/layer/requirements';

const sha = 'a'.repeat(64);

test('requirements: names, extras, specifiers, markers, URLs and hashes', () => {
  const text = [
    '# comment',
    'requests==2.32.3  # trailing comment',
    'Flask[async, dotenv] >=3.0, <4',
    'numpy (>=1.26)',
    'pydantic ; python_version >= "3.8"',
    'boto3',
    `cryptography==43.0.0 \\`,
    `    --hash=sha256:${sha} \\`,
    `    --hash=sha256:${'b'.repeat(64)}`,
    'mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl',
    'https://example.com/other-1.0.tar.gz#egg=other',
    '',
  ].join('\n');
  const parsed = parseRequirementsText(text, 'requirements.txt');
  const byName = Object.fromEntries(parsed.requirements.map((r) => [r.name, r]));
  assert.deepEqual(Object.keys(byName), [
    'requests',
    'Flask',
    'numpy',
    'pydantic',
    'boto3',
    'cryptography',
    'mypkg',
    'other',
  ]);
  assert.equal(byName.requests.specifier, '==2.32.3');
  assert.equal(byName.requests.line, 2);
  assert.deepEqual(byName.Flask.extras, ['async', 'dotenv']);
  assert.equal(byName.Flask.specifier, '>=3.0,<4');
  assert.equal(byName.numpy.specifier, '>=1.26');
  assert.equal(byName.pydantic.marker, 'python_version >= "3.8"');
  assert.equal(byName.boto3.specifier, '');
  assert.equal(byName.cryptography.line, 7);
  assert.deepEqual(byName.cryptography.hashes, [`sha256:${sha}`, `sha256:${'b'.repeat(64)}`]);
  assert.equal(byName.mypkg.url, 'https://example.com/mypkg-1.0-py3-none-any.whl');
  assert.equal(byName.other.url, 'https://example.com/other-1.0.tar.gz#egg=other');
});

test('requirements: option lines are understood', () => {
  const parsed = parseRequirementsText(
    [
      '--index-url https://corp.example/simple',
      '--extra-index-url=https://extra.example/simple',
      '-f ./wheels',
      '--no-index',
      '--require-hashes',
      '--pre',
      '--only-binary :all:',
      '--trusted-host corp.example',
      '-r base.txt',
      '--requirement=more.txt',
      '-c constraints.txt',
      '-i https://token:${TOKEN}@corp.example/simple',
      'six',
    ].join('\n'),
    'r.txt',
  );
  assert.equal(parsed.options.indexUrl, 'https://token:${TOKEN}@corp.example/simple');
  assert.deepEqual(parsed.options.extraIndexUrls, ['https://extra.example/simple']);
  assert.deepEqual(parsed.options.findLinks, ['./wheels']);
  assert.equal(parsed.options.noIndex, true);
  assert.equal(parsed.options.requireHashes, true);
  assert.equal(parsed.options.pre, true);
  assert.deepEqual(parsed.includes, ['base.txt', 'more.txt']);
  assert.deepEqual(parsed.constraints, ['constraints.txt']);
  assert.deepEqual(parsed.envRefs, ['TOKEN']);
  assert.deepEqual(
    parsed.requirements.map((r) => r.name),
    ['six'],
  );
});

function syntaxError(text: string, pattern: RegExp) {
  assert.throws(
    () => parseRequirementsText(text, 'requirements.txt'),
    (e: unknown) => e instanceof RequirementsSyntaxError && pattern.test(e.message),
  );
}

test('requirements: editable and local path requirements are refused with their line', () => {
  syntaxError('six\n-e ./mypkg\n', /requirements\.txt, line 2: editable requirements \("-e \.\/mypkg"\)/);
  syntaxError('six\n\n--editable=git+https://x/y.git#egg=y\n', /line 3: editable/);
  syntaxError('./local/pkg\n', /line 1: local path requirements/);
  syntaxError('six\n/abs/path/pkg\n', /line 2: local path/);
  syntaxError('dist/mypkg-1.0-py3-none-any.whl\n', /local path/);
  syntaxError('mypkg-1.0.tar.gz\n', /local path/);
  syntaxError('mypkg @ file:///home/me/mypkg\n', /local path/);
  syntaxError('file:///home/me/mypkg#egg=mypkg\n', /local path/);
  syntaxError('mypkg @ ../mypkg\n', /local path/);
  syntaxError('C:\\work\\pkg\n', /local path/);
});

test('requirements: syntax errors carry the line number', () => {
  syntaxError('six\nrequests=2.0\n', /line 2: invalid version specifier "=2.0"/);
  syntaxError('six\n\n\n--frobnicate\n', /line 4: unknown option "--frobnicate"/);
  syntaxError('-r\n', /line 1: "-r" needs a value/);
  syntaxError('six\nfoo[bar\n', /line 2: .*missing "\]"/);
  syntaxError('foo ; python_version >= "3.8\n', /line 1: invalid environment marker/);
  syntaxError('foo --hash=sha256:xyz\n', /line 1: invalid hash/);
  syntaxError('foo --index-url https://x\n', /line 1: "--index-url" is not allowed after a requirement/);
  syntaxError('-x foo\n', /unknown option "-x"/);
  syntaxError('@@@\n', /line 1: invalid requirement "@@@": expected a package name/);
});

test('requirements: continuation lines report the first physical line', () => {
  syntaxError('six\nfoo \\\n  >=1.0, =2\n', /line 2: invalid version specifier/);
});

test('loadRequirements follows -r and -c relative to the including file, in order, once each', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-req-'));
  try {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'requirements.txt'), '-r sub/base.txt\n-c constraints.txt\n-r sub/common.txt\nflask\n');
    await writeFile(join(dir, 'sub', 'base.txt'), 'requests\n-r common.txt\n');
    await writeFile(join(dir, 'sub', 'common.txt'), 'six\n');
    await writeFile(join(dir, 'constraints.txt'), 'urllib3<3\n');
    const loaded = await loadRequirements(join(dir, 'requirements.txt'));
    // common.txt is reached twice (not a loop): read once.
    assert.deepEqual(
      loaded.files.map((f) => f.path),
      [
        join(dir, 'requirements.txt'),
        join(dir, 'sub', 'base.txt'),
        join(dir, 'sub', 'common.txt'),
        join(dir, 'constraints.txt'),
      ],
    );
    assert.deepEqual(
      loaded.requirements.map((r) => r.name),
      ['flask', 'requests', 'six', 'urllib3'],
    );
    assert.equal(loaded.requirements[1].file, join(dir, 'sub', 'base.txt'));

    await writeFile(join(dir, 'broken.txt'), '-r missing.txt\n');
    await assert.rejects(
      loadRequirements(join(dir, 'broken.txt')),
      /broken\.txt includes "missing\.txt", which cannot be read/,
    );
    await writeFile(join(dir, 'remote.txt'), '-r https://example.com/r.txt\n');
    await assert.rejects(loadRequirements(join(dir, 'remote.txt')), /remote file/);
    await assert.rejects(loadRequirements(join(dir, 'nope.txt')), /Cannot read the requirements file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function inTempDir(
  files: Record<string, string | Uint8Array>,
  check: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'll-req-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    await check(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('loadRequirements refuses include loops, naming the chain', async () => {
  await inTempDir(
    {
      'a.txt': 'six\n-r b.txt\n',
      'b.txt': '-r a.txt\n',
      'self.txt': 'six\n-r ./self.txt\n',
      'c.txt': 'six\n-c sub/d.txt\n',
      'sub/d.txt': 'urllib3<3\n-r ../c.txt\n',
      'e.txt': 'six\n-r f.txt\n',
      'f.txt': '-r g.txt\n',
      'g.txt': '-c f.txt\n',
    },
    async (dir) => {
      await assert.rejects(loadRequirements(join(dir, 'a.txt')), {
        message:
          'The requirements files include each other in a loop: a.txt → b.txt → a.txt. Remove one of these -r / -c lines.',
      });
      await assert.rejects(loadRequirements(join(dir, 'self.txt')), /in a loop: self\.txt → self\.txt\./);
      await assert.rejects(loadRequirements(join(dir, 'c.txt')), /in a loop: c\.txt → sub\/d\.txt → c\.txt\./);
      // A loop below the root file names only the files in it, from the root.
      await assert.rejects(loadRequirements(join(dir, 'e.txt')), /in a loop: e\.txt → f\.txt → g\.txt → f\.txt\./);
    },
  );
});

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.from(utf16le(text).map((_, i, b) => b[i ^ 1]));

test('loadRequirements reads UTF-16 (LE and BE, with a BOM) and UTF-8 with a BOM as pip does', async () => {
  const text = '# café\r\nsix==1.16\r\n-r more.txt\r\n';
  await inTempDir(
    {
      'le.txt': utf16le(text),
      'be.txt': utf16be(text),
      'bom8.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      'more.txt': utf16le('requests\n'),
    },
    async (dir) => {
      for (const name of ['le.txt', 'be.txt', 'bom8.txt']) {
        const loaded = await loadRequirements(join(dir, name));
        assert.equal(loaded.files[0].content, text, name);
        assert.deepEqual(
          loaded.requirements.map((r) => [r.name, r.specifier]),
          [
            ['six', '==1.16'],
            ['requests', ''],
          ],
          name,
        );
      }
    },
  );
});

test('loadRequirements refuses text pip would misread: UTF-16 without a BOM, UTF-32, bytes that are not UTF-8', async () => {
  await inTempDir(
    {
      'nobom.txt': Buffer.from('six\n', 'utf16le'),
      'utf32.txt': Buffer.from([0xff, 0xfe, 0, 0, 0x73, 0, 0, 0]),
      'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
    },
    async (dir) => {
      await assert.rejects(
        loadRequirements(join(dir, 'nobom.txt')),
        /nobom\.txt is not UTF-8 text \(nor UTF-16 with a byte order mark\).*Save it as UTF-8/,
      );
      await assert.rejects(loadRequirements(join(dir, 'latin1.txt')), /latin1\.txt is not UTF-8 text/);
      await assert.rejects(loadRequirements(join(dir, 'utf32.txt')), /utf32\.txt is saved as UTF-32/);
    },
  );
});

test('${VAR} references are expanded as pip does: [A-Z0-9_] names only, unset or empty ones left as written', () => {
  const env = { VERSION: '2.32.3', INDEX_HOST: 'corp.example', EMPTY: '', lower: 'x' };
  const parsed = parseRequirementsText(
    [
      'requests==${VERSION}',
      '--index-url https://${INDEX_HOST}/simple',
      '--extra-index-url https://${UNSET}/s',
      '--extra-index-url ${EMPTY}',
      '-f https://${lower}/w',
    ].join('\n'),
    'r.txt',
    env,
  );
  assert.deepEqual(
    parsed.requirements.map((r) => r.specifier),
    ['==2.32.3'],
  );
  assert.equal(parsed.options.indexUrl, 'https://corp.example/simple');
  assert.deepEqual(parsed.options.extraIndexUrls, ['https://${UNSET}/s', '${EMPTY}']);
  assert.deepEqual(parsed.options.findLinks, ['https://${lower}/w']);
  assert.deepEqual(parsed.envRefs, ['VERSION', 'INDEX_HOST', 'UNSET', 'EMPTY']);
  // Without the variable the line is what pip would see: an invalid specifier, with its line.
  syntaxError('requests==${VERSION}\n', /line 1: invalid version specifier "==\$\{VERSION\}"/);
});

test('loadRequirements expands ${VAR} in include paths and records the indexes the files name', async () => {
  await inTempDir(
    {
      'r.txt': '-i https://user:${TOKEN}@corp.example/simple\n-r ${SUB}/more.txt\nsix\n',
      'sub/more.txt': '--extra-index-url https://extra.example/simple\n-f ./wheels\nrequests\n',
    },
    async (dir) => {
      const loaded = await loadRequirements(join(dir, 'r.txt'), { TOKEN: 's3cret', SUB: 'sub' });
      assert.deepEqual(
        loaded.requirements.map((r) => r.name),
        ['six', 'requests'],
      );
      assert.deepEqual(loaded.indexes, [
        { option: 'index-url', url: 'https://user:s3cret@corp.example/simple', file: join(dir, 'r.txt') },
        { option: 'extra-index-url', url: 'https://extra.example/simple', file: join(dir, 'sub', 'more.txt') },
        { option: 'find-links', url: './wheels', file: join(dir, 'sub', 'more.txt') },
      ]);
    },
  );
});
