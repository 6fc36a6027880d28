import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iniValues, listValue, boolValue, readPipConfig } from '../../../src/layer/pipConfig';

test('pip.conf: [install] overrides [global], continuation lines extend lists, underscores normalised', () => {
  const values = iniValues(
    [
      '[global]',
      'index-url = https://a/simple',
      'extra_index_url =',
      '    https://b/simple',
      '    https://c/simple',
      'timeout: 60',
      '# comment',
      '[install]',
      'index-url = https://install/simple',
      '[freeze]',
      'all = true',
    ].join('\n'),
  );
  assert.equal(values['index-url'], 'https://install/simple');
  assert.deepEqual(listValue(values['extra-index-url']), ['https://b/simple', 'https://c/simple']);
  assert.equal(values.timeout, '60');
  assert.equal(values.all, undefined);
  assert.equal(boolValue('yes'), true);
  assert.equal(boolValue('0'), false);
});

test('readPipConfig: user files, PIP_CONFIG_FILE and PIP_* in pip order; /dev/null disables files', async () => {
  const home = await mkdtemp(join(tmpdir(), 'll-pipconf-'));
  try {
    await mkdir(join(home, '.config', 'pip'), { recursive: true });
    await writeFile(
      join(home, '.config', 'pip', 'pip.conf'),
      '[global]\nindex-url = https://user/simple\nfind-links = /w\n',
    );
    const env = {
      XDG_CONFIG_DIRS: join(home, 'none'),
      PIP_EXTRA_INDEX_URL: 'https://env/simple',
      HOME: home,
      OTHER: 'x',
    };
    const config = await readPipConfig(env, 'linux', home);
    assert.ok(config.files.some((f) => f.path === join(home, '.config', 'pip', 'pip.conf')));
    assert.equal(config.values['index-url'], 'https://user/simple');
    assert.equal(config.values['extra-index-url'], 'https://env/simple');
    assert.deepEqual(config.env, [['PIP_EXTRA_INDEX_URL', 'https://env/simple']]);

    // An existing PIP_CONFIG_FILE replaces the user files and wins over global ones.
    await writeFile(join(home, 'custom.conf'), '[global]\nindex-url = https://custom/simple\n');
    const custom = await readPipConfig({ ...env, PIP_CONFIG_FILE: join(home, 'custom.conf') }, 'linux', home);
    assert.equal(custom.values['index-url'], 'https://custom/simple');
    assert.equal(custom.values['find-links'], undefined);

    const none = await readPipConfig({ PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1' }, 'linux', home);
    assert.deepEqual(none.files, []);
    assert.equal(none.values['no-index'], '1');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
