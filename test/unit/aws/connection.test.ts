import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasAnyCredentials, hasEnvCredentials, listProfiles, resolveConnection } from '../../../src/aws/connection';
import { UserError } from '../../../src/util/errors';

let dir: string;
let env: NodeJS.ProcessEnv;

const CONFIG = `
[default]
region = eu-west-1

[profile dev]
region = us-west-2
endpoint_url = http://localhost:4566
services = local-svc

[services local-svc]
lambda =
  endpoint_url = http://localhost:9001

[profile plain-endpoint]
endpoint_url = http://localhost:4566

[profile sso-new]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Dev

[profile assume]
role_arn = arn:aws:iam::111122223333:role/x
source_profile = default

[profile proc]
credential_process = /bin/true

[profile region-only]
region = ap-south-1

[profile no-endpoints]
endpoint_url = http://localhost:1
ignore_configured_endpoint_urls = true

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`;

const CREDENTIALS = `
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret

[keys-only]
aws_access_key_id = AKIDKEYS
aws_secret_access_key = secret
`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'll-conn-'));
  writeFileSync(join(dir, 'config'), CONFIG);
  writeFileSync(join(dir, 'credentials'), CREDENTIALS);
  env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('lists profiles from both files with their credential kind, default first', async () => {
  const profiles = await listProfiles(env);
  assert.equal(profiles[0].name, 'default');
  const kinds = Object.fromEntries(profiles.map((p) => [p.name, p.kind]));
  assert.deepEqual(kinds, {
    default: 'static',
    assume: 'role',
    dev: 'none',
    'keys-only': 'static',
    'no-endpoints': 'none',
    'plain-endpoint': 'none',
    proc: 'process',
    'region-only': 'none',
    'sso-legacy': 'sso',
    'sso-new': 'sso',
  });
  const ssoNew = profiles.find((p) => p.name === 'sso-new')!;
  assert.equal(ssoNew.ssoSession, 'corp');
  assert.equal(
    ssoNew.ssoStartUrl,
    'https://corp.awsapps.com/start',
    'start URL resolved through the sso-session section',
  );
  assert.equal(profiles.find((p) => p.name === 'sso-legacy')!.ssoStartUrl, 'https://legacy.awsapps.com/start');
  const dev = profiles.find((p) => p.name === 'dev')!;
  assert.equal(dev.lambdaEndpointUrl, 'http://localhost:9001');
  assert.equal(dev.endpointUrl, 'http://localhost:4566');
});

test('missing files mean no profiles', async () => {
  const empty = {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'nope-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nope-creds'),
  };
  assert.deepEqual(await listProfiles(empty), []);
});

test('region: setting, then the profile, then AWS_REGION, then AWS_DEFAULT_REGION, else undefined', async () => {
  const withEnv = { ...env, AWS_REGION: 'ca-central-1', AWS_DEFAULT_REGION: 'sa-east-1' };
  assert.deepEqual(pick(await resolveConnection({ profile: 'dev', region: 'eu-north-1' }, withEnv)), [
    'eu-north-1',
    'setting',
  ]);
  assert.deepEqual(pick(await resolveConnection({ profile: 'dev' }, withEnv)), ['us-west-2', 'profile']);
  assert.deepEqual(pick(await resolveConnection({ profile: 'keys-only' }, withEnv)), ['ca-central-1', 'env']);
  assert.deepEqual(
    pick(await resolveConnection({ profile: 'keys-only' }, { ...env, AWS_DEFAULT_REGION: 'sa-east-1' })),
    ['sa-east-1', 'env'],
  );
  assert.deepEqual(pick(await resolveConnection({ profile: 'keys-only' }, env)), [undefined, undefined]);
  // No profile chosen: the default profile's settings apply.
  assert.deepEqual(pick(await resolveConnection({}, withEnv)), ['eu-west-1', 'profile']);

  function pick(r: { region?: string; regionSource?: string }) {
    return [r.region, r.regionSource];
  }
});

test('endpoint: setting, services section, profile endpoint_url, then env (service-specific first)', async () => {
  const withEnv = { ...env, AWS_ENDPOINT_URL_LAMBDA: 'http://env-lambda', AWS_ENDPOINT_URL: 'http://env-all' };
  assert.deepEqual(pick(await resolveConnection({ profile: 'dev', endpoint: 'http://mine' }, withEnv)), [
    'http://mine',
    'setting',
  ]);
  assert.deepEqual(pick(await resolveConnection({ profile: 'dev' }, withEnv)), [
    'http://localhost:9001',
    'profile-service',
  ]);
  assert.deepEqual(pick(await resolveConnection({ profile: 'plain-endpoint' }, withEnv)), [
    'http://localhost:4566',
    'profile',
  ]);
  assert.deepEqual(pick(await resolveConnection({ profile: 'keys-only' }, withEnv)), [
    'http://env-lambda',
    'env-service',
  ]);
  assert.deepEqual(
    pick(await resolveConnection({ profile: 'keys-only' }, { ...env, AWS_ENDPOINT_URL: 'http://env-all' })),
    ['http://env-all', 'env'],
  );
  assert.deepEqual(pick(await resolveConnection({ profile: 'keys-only' }, env)), [undefined, undefined]);
  // Opting out of configured endpoints keeps only the explicit setting.
  assert.deepEqual(pick(await resolveConnection({ profile: 'no-endpoints' }, withEnv)), [undefined, undefined]);
  assert.deepEqual(
    pick(await resolveConnection({ profile: 'dev' }, { ...withEnv, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })),
    [undefined, undefined],
  );
  assert.deepEqual(pick(await resolveConnection({ profile: 'no-endpoints', endpoint: 'http://mine' }, withEnv)), [
    'http://mine',
    'setting',
  ]);

  function pick(r: { endpoint?: string; endpointSource?: string }) {
    return [r.endpoint, r.endpointSource];
  }
});

test('profile: the setting wins over AWS_PROFILE; blank settings count as unset; unknown profiles are a UserError', async () => {
  const r1 = await resolveConnection({ profile: 'dev' }, { ...env, AWS_PROFILE: 'sso-new' });
  assert.equal(r1.profile, 'dev');
  const r2 = await resolveConnection({ profile: '  ' }, { ...env, AWS_PROFILE: 'sso-new' });
  assert.equal(r2.profile, 'sso-new');
  assert.equal(r2.profileInfo?.kind, 'sso');
  const r3 = await resolveConnection({}, env);
  assert.equal(r3.profile, undefined, 'no explicit profile: the default chain decides');
  assert.equal(r3.profileInfo?.name, 'default');
  await assert.rejects(resolveConnection({ profile: 'ghost' }, env), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /ghost/);
    assert.match(e.message, /aws configure --profile ghost/);
    return true;
  });
});

test('hasAnyCredentials: env keys, web identity, any profile with a credential source; settings-only profiles do not count', async () => {
  const none = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'nope'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nope2') };
  assert.equal(await hasAnyCredentials(none), false);
  assert.equal(await hasAnyCredentials({ ...none, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }), true);
  assert.equal(await hasAnyCredentials({ ...none, AWS_ACCESS_KEY_ID: 'a' }), false);
  assert.equal(await hasAnyCredentials({ ...none, AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn:x' }), true);
  assert.equal(await hasAnyCredentials(env), true);

  const regionOnly = join(dir, 'region-only-config');
  writeFileSync(regionOnly, '[default]\nregion = us-east-1\n');
  assert.equal(await hasAnyCredentials({ ...none, AWS_CONFIG_FILE: regionOnly }), false);
  const ssoOnly = join(dir, 'sso-only-config');
  writeFileSync(
    ssoOnly,
    '[profile x]\nsso_session = s\n[sso-session s]\nsso_start_url = https://s\nsso_region = us-east-1\n',
  );
  assert.equal(await hasAnyCredentials({ ...none, AWS_CONFIG_FILE: ssoOnly }), true);

  assert.equal(hasEnvCredentials({ AWS_ACCESS_KEY_ID: ' ', AWS_SECRET_ACCESS_KEY: 'b' }), false);
});
