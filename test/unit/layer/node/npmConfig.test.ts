import { test } from 'node:test';
import assert from 'node:assert/strict';
import { npmConfigEnv, npmRegistry, userNpmrcPath } from '../../../../src/layer/node/npmConfig';

test('the registry comes from npm_config_registry, then the project .npmrc, the user npmrc, else npmjs', () => {
  assert.deepEqual(npmRegistry({ npm_config_registry: 'http://r.local/' }, 'registry=http://p/', undefined), {
    kind: 'index',
    url: 'http://r.local/',
    from: 'npm_config_registry',
  });
  assert.equal(npmRegistry({}, 'a=b\nregistry = http://p/\n', 'registry=http://u/').from, '.npmrc');
  assert.equal(npmRegistry({}, undefined, 'registry=https://user:pw@u/').url, 'https://***@u/');
  assert.equal(npmRegistry({}, undefined, undefined).url, 'https://registry.npmjs.org/');
});

test('npm settings that change the install are keyed; cache folders and log levels are not', () => {
  assert.deepEqual(
    npmConfigEnv({
      npm_config_registry: 'r',
      NPM_CONFIG_CACHE: '/tmp/x',
      npm_config_loglevel: 'warn',
      PATH: '/bin',
      npm_config_legacy_peer_deps: 'true',
    }),
    [
      ['npm_config_legacy_peer_deps', 'true'],
      ['npm_config_registry', 'r'],
    ],
  );
  assert.equal(userNpmrcPath({ npm_config_userconfig: '/c/npmrc', HOME: '/h' }), '/c/npmrc');
  assert.match(userNpmrcPath({ HOME: '/h' }), /[/\\]h[/\\]\.npmrc$/);
});
