import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceConflictException, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { UnsupportedOperationError, classifyAwsError, toUserError } from '../../../src/aws/errors';
import { CancelledError, UserError } from '../../../src/util/errors';

const sdkError = (name: string, status?: number, message = 'server says so') =>
  Object.assign(new Error(message), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });

test('classifies by error name, code and HTTP status', () => {
  const cases: Array<[unknown, string]> = [
    [sdkError('CredentialsProviderError'), 'credentials'],
    [sdkError('UnrecognizedClientException', 403), 'credentials'],
    [sdkError('InvalidSignatureException', 403), 'credentials'],
    [sdkError('UnauthorizedException', 401), 'credentials'],
    [sdkError('ExpiredTokenException', 403), 'expired'],
    [sdkError('AccessDeniedException', 403), 'accessDenied'],
    [sdkError('SomethingNew', 403), 'accessDenied'],
    [new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }), 'notFound'],
    [sdkError('NoSuchEntity', 404), 'notFound'],
    [new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }), 'throttled'],
    [Object.assign(sdkError('Weird', 400), { $retryable: { throttling: true } }), 'throttled'],
    [
      new ResourceConflictException({ message: 'An update is in progress', $metadata: { httpStatusCode: 409 } }),
      'conflict',
    ],
    [sdkError('PreconditionFailedException', 412), 'preconditionFailed'],
    [sdkError('Unmodelled', 412), 'preconditionFailed'],
    [sdkError('InvalidParameterValueException', 400), 'invalidRequest'],
    [sdkError('RequestEntityTooLargeException', 413), 'tooLarge'],
    [sdkError('ServiceException', 500), 'service'],
    [sdkError('Unmodelled', 503), 'service'],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
        code: 'ECONNREFUSED',
        $metadata: { attempts: 4 },
      }),
      'network',
    ],
    [Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), 'network'],
    [sdkError('TimeoutError'), 'network'],
    [new UnsupportedOperationError('GetLayerVersionByArn'), 'unsupported'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'cancelled'],
    [new CancelledError(), 'cancelled'],
    [new Error('plain'), 'unknown'],
    ['a string', 'unknown'],
    [undefined, 'unknown'],
  ];
  for (const [error, kind] of cases)
    assert.equal(classifyAwsError(error), kind, String((error as Error)?.name ?? error));
});

test('never classifies by message text', () => {
  assert.equal(classifyAwsError(new Error('AccessDeniedException: throttled, not found, ECONNREFUSED')), 'unknown');
});

test('user messages say what to do, keeping the original in detail', () => {
  const sso = toUserError(sdkError('CredentialsProviderError', undefined, 'Token is expired'), {
    connection: { kind: 'aws', profile: 'dev', region: 'us-east-1' },
    profileKind: 'sso',
  }) as UserError;
  assert.ok(sso instanceof UserError);
  assert.match(sso.message, /aws sso login --profile dev/);
  assert.match(sso.detail!, /CredentialsProviderError: Token is expired/);

  const keys = toUserError(sdkError('InvalidClientTokenId', 403), {
    connection: { kind: 'aws', profile: 'work', region: 'us-east-1' },
    profileKind: 'static',
  });
  assert.match(keys.message, /aws configure --profile work/);

  const noProfile = toUserError(sdkError('CredentialsProviderError'));
  assert.match(noProfile.message, /aws configure/);

  const denied = toUserError(
    sdkError('AccessDeniedException', 403, 'User x is not authorized to perform: lambda:ListLayers'),
  );
  assert.match(denied.message, /lambda:ListLayers/);

  const local = toUserError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {
    connection: { kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:9999' },
  });
  assert.match(local.message, /local endpoint at http:\/\/127\.0\.0\.1:9999/);

  assert.match(toUserError(sdkError('PreconditionFailedException', 412)).message, /Refresh/);
  assert.match(toUserError(sdkError('ResourceConflictException', 409)).message, /Wait/);
  assert.match(toUserError(sdkError('TooManyRequestsException', 429)).message, /try again/);
});

test('user errors pass through and cancellations stay cancellations', () => {
  const ue = new UserError('already fine');
  assert.equal(toUserError(ue), ue);
  assert.ok(toUserError(Object.assign(new Error('x'), { name: 'AbortError' })) instanceof CancelledError);
});

test('an unsupported operation names the operation and the endpoint', () => {
  const e = toUserError(new UnsupportedOperationError('GetLayerVersionByArn', 'http://127.0.0.1:5000'));
  assert.match(e.message, /^GetLayerVersionByArn is not supported by http:\/\/127\.0\.0\.1:5000\./);
});

/** The credential chain the client factory uses, run against temp config files: the SDK's own SSO errors. */
async function ssoChainError(config: string, tokenCache?: { key: string; token: object }): Promise<unknown> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const { createHash } = await import('node:crypto');
  const home = await mkdtemp(join(tmpdir(), 'll-sso-'));
  const saved = {
    HOME: process.env.HOME,
    AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE,
    AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE,
  };
  try {
    await writeFile(join(home, 'config'), config);
    if (tokenCache) {
      await mkdir(join(home, '.aws', 'sso', 'cache'), { recursive: true });
      const file = createHash('sha1').update(tokenCache.key).digest('hex');
      await writeFile(join(home, '.aws', 'sso', 'cache', `${file}.json`), JSON.stringify(tokenCache.token));
    }
    Object.assign(process.env, {
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    });
    return await fromNodeProviderChain({ profile: 'dev', ignoreCache: true })().then(
      () => assert.fail('credentials resolved'),
      (e: unknown) => e,
    );
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(home, { recursive: true, force: true });
  }
}

test('SSO sessions that expired or were never started get "aws sso login --profile P", from the SDK\'s real errors', async () => {
  const session =
    '[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n';
  const legacy =
    '[profile dev]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n';
  const expired = {
    accessToken: 'x',
    expiresAt: '2020-01-01T00:00:00Z',
    region: 'us-east-1',
    startUrl: 'https://corp.awsapps.com/start',
  };
  const errors = {
    'never logged in (sso-session)': await ssoChainError(session),
    'expired (sso-session)': await ssoChainError(session, { key: 'corp', token: expired }),
    'never logged in (legacy)': await ssoChainError(legacy),
    'expired (legacy)': await ssoChainError(legacy, { key: 'https://corp.awsapps.com/start', token: expired }),
  };
  const connection = { kind: 'aws' as const, profile: 'dev', region: 'us-east-1' };
  for (const [label, error] of Object.entries(errors)) {
    // Without knowing the profile's kind (the CLI with AWS_PROFILE, a profile edited since it was read).
    const shown = toUserError(error, { connection });
    assert.equal(
      shown.message,
      'The AWS SSO session of profile "dev" has expired or was never started. Run "aws sso login --profile dev" in a terminal, then try again.',
      label,
    );
    assert.match((shown as UserError).detail!, /SSO/, label);
    assert.match(
      toUserError(error).message,
      /^The AWS SSO session has expired or was never started\. Run "aws sso login" /,
      label,
    );
  }
  assert.match(
    toUserError(sdkError('UnauthorizedException', 401, 'Session token not found or invalid'), { connection }).message,
    /aws sso login --profile dev/,
  );
  // A static profile whose keys are refused still gets "aws configure".
  assert.match(
    toUserError(sdkError('CredentialsProviderError', undefined, 'Could not load credentials from any providers'), {
      connection,
    }).message,
    /aws configure --profile dev/,
  );
});
