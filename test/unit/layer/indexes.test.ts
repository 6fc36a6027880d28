import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_INDEX, packageSources, redactUrl } from '../../../src/layer/indexes';
import type { PipConfig } from '../../../src/layer/pipConfig';
import type { FileIndex, LoadedRequirements } from '../../../src/layer/requirements';

const pip = (values: Record<string, string>, env: [string, string][] = []): PipConfig => ({ env, files: [], values });
const reqs = (indexes: Omit<FileIndex, 'file'>[], file = '/proj/requirements.txt'): LoadedRequirements => ({
  requirements: [],
  envRefs: [],
  files: [{ path: '/proj/requirements.txt', content: '' }],
  indexes: indexes.map((i) => ({ ...i, file })),
});

test('credentials in URLs are replaced by ***, whatever the user info holds', () => {
  assert.equal(redactUrl('https://user:p%40ss@corp.example/simple'), 'https://***@corp.example/simple');
  assert.equal(redactUrl('https://token@corp.example/simple'), 'https://***@corp.example/simple');
  assert.equal(redactUrl('https://corp.example/simple?x=a@b'), 'https://corp.example/simple?x=a@b');
  assert.equal(redactUrl('./wheels'), './wheels');
  assert.equal(redactUrl('--index-url'), '--index-url');
});

test('nothing configured: PyPI, by default', () => {
  assert.deepEqual(packageSources(pip({}), reqs([])), [{ kind: 'index', url: DEFAULT_INDEX, from: 'default' }]);
});

test('pip settings, then the files in order: --index-url replaces, extras and find-links add, --no-index drops indexes', () => {
  const config = pip(
    {
      'index-url': 'https://u:p@mirror.example/simple',
      'extra-index-url': 'https://a.example/s https://b.example/s',
      'find-links': '/wheels',
    },
    [['PIP_INDEX_URL', 'x']],
  );
  assert.deepEqual(packageSources(config, reqs([])), [
    { kind: 'index', url: 'https://***@mirror.example/simple', from: 'PIP_INDEX_URL' },
    { kind: 'index', url: 'https://a.example/s', from: 'pip.conf' },
    { kind: 'index', url: 'https://b.example/s', from: 'pip.conf' },
    { kind: 'find-links', url: '/wheels', from: 'pip.conf' },
  ]);
  const fromFiles = reqs(
    [
      { option: 'extra-index-url', url: 'https://early.example/s' },
      { option: 'index-url', url: 'https://tok@corp.example/simple' },
      { option: 'extra-index-url', url: 'https://late.example/s' },
      { option: 'find-links', url: './wheels' },
    ],
    '/proj/sub/base.txt',
  );
  assert.deepEqual(packageSources(config, fromFiles), [
    { kind: 'index', url: 'https://***@corp.example/simple', from: 'sub/base.txt' },
    { kind: 'index', url: 'https://late.example/s', from: 'sub/base.txt' },
    { kind: 'find-links', url: '/wheels', from: 'pip.conf' },
    { kind: 'find-links', url: './wheels', from: 'sub/base.txt' },
  ]);
  assert.deepEqual(
    packageSources(
      pip({ 'no-index': 'true', 'find-links': '/w' }),
      reqs([{ option: 'extra-index-url', url: 'https://x/s' }]),
    ),
    [{ kind: 'find-links', url: '/w', from: 'pip.conf' }],
  );
  assert.deepEqual(
    packageSources(
      pip({}),
      reqs([
        { option: 'no-index', url: '' },
        { option: 'find-links', url: 'w' },
      ]),
    ),
    [{ kind: 'find-links', url: 'w', from: 'requirements.txt' }],
  );
});
