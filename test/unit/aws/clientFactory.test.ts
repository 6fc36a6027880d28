import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClientFactory, PLACEHOLDER_CREDENTIALS, localCredentials } from '../../../src/aws/clientFactory';

test('local connections get the endpoint, its keys and path-style S3; clients share one socket pool', async () => {
  const factory = new AwsClientFactory(
    { kind: 'local', region: 'eu-central-1', endpoint: 'http://127.0.0.1:4010' },
    { credentials: { accessKeyId: 'LOCALKEY', secretAccessKey: 'generated' } },
  );
  try {
    const creds = await factory.lambda.config.credentials();
    assert.deepEqual([creds.accessKeyId, creds.secretAccessKey], ['LOCALKEY', 'generated']);
    assert.equal(await factory.lambda.config.region(), 'eu-central-1');
    const endpoint = await factory.lambda.config.endpoint!();
    assert.equal(endpoint.hostname, '127.0.0.1');
    assert.equal(endpoint.port, 4010);
    assert.equal(factory.s3.config.forcePathStyle, true);
    assert.equal(await factory.lambda.config.maxAttempts(), 4);
    assert.equal(((await factory.lambda.config.retryStrategy()) as { mode?: string }).mode, 'adaptive');
    assert.equal(
      factory.lambda.config.requestHandler,
      factory.iam.config.requestHandler,
      'Lambda and IAM share the handler',
    );
    assert.equal(factory.lambda, factory.lambda, 'clients are made once');
  } finally {
    factory.dispose();
  }
});

test('an external local endpoint signs with the named profile, else env keys, else placeholder keys', async () => {
  const local = { kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:4010' } as const;
  assert.deepEqual(localCredentials(local, {}), PLACEHOLDER_CREDENTIALS);
  assert.deepEqual(
    localCredentials(local, { AWS_ACCESS_KEY_ID: ' LOCALX ', AWS_SECRET_ACCESS_KEY: 'printed-secret' }),
    {
      accessKeyId: 'LOCALX',
      secretAccessKey: 'printed-secret',
    },
  );
  const dir = mkdtempSync(join(tmpdir(), 'll-factory-'));
  const saved = { ...process.env };
  try {
    writeFileSync(
      join(dir, 'credentials'),
      '[sandbox]\naws_access_key_id = AKIDSANDBOX\naws_secret_access_key = from-profile\n',
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    const provider = localCredentials(
      { ...local, profile: 'sandbox' },
      { AWS_ACCESS_KEY_ID: 'ENV', AWS_SECRET_ACCESS_KEY: 'env' },
    );
    assert.equal(typeof provider, 'function');
    const creds = await (provider as () => Promise<{ secretAccessKey: string }>)();
    assert.equal(creds.secretAccessKey, 'from-profile', 'a named profile wins over env keys');
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a local connection without endpoint is a programming error', () => {
  assert.throws(() => new AwsClientFactory({ kind: 'local', region: 'us-east-1' }));
});

test('AWS connections read the chosen profile from the shared files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-factory-'));
  const saved = { ...process.env };
  try {
    writeFileSync(join(dir, 'credentials'), '[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = s\n');
    writeFileSync(join(dir, 'config'), '');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV';
    process.env.AWS_SECRET_ACCESS_KEY = 's';
    const factory = new AwsClientFactory({ kind: 'aws', profile: 'work', region: 'us-east-1' });
    try {
      assert.equal(
        (await factory.lambda.config.credentials()).accessKeyId,
        'AKIDWORK',
        'an explicit profile wins over env keys',
      );
      assert.equal(factory.s3.config.forcePathStyle, false);
    } finally {
      factory.dispose();
    }
    const viaEnv = new AwsClientFactory({ kind: 'aws', region: 'us-east-1' });
    try {
      assert.equal((await viaEnv.lambda.config.credentials()).accessKeyId, 'AKIDENV');
    } finally {
      viaEnv.dispose();
    }
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
