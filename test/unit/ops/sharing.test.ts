import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyShareAll,
  grantAccess,
  parsePolicy,
  planShareAll,
  readPolicy,
  revokeAccess,
} from '../../../src/ops/sharing';
import { UserError } from '../../../src/util/errors';
import { FakeGateway } from '../../helpers/fakeGateway';

const zip = new Uint8Array([1]);
const id = { layerName: 'deps', version: 1 };

async function withVersion(gw = new FakeGateway()): Promise<FakeGateway> {
  await gw.publishLayerVersion({ layerName: 'deps', zipFile: zip });
  return gw;
}

test('parses the three audiences the way Lambda (and moto) write them, keeping unknown statements visible', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'acct',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::210987654321:root' },
        Action: 'lambda:GetLayerVersion',
      },
      { Sid: 'bare', Principal: '111122223333' },
      { Sid: 'org', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } },
      { Sid: 'motoOrg', Principal: '*', OrganizationId: 'o-0123456789' },
      { Sid: 'pub', Principal: '*' },
      { Sid: 'svc', Principal: { Service: 'x' } },
    ],
  });
  assert.deepEqual(parsePolicy(policy), [
    { kind: 'account', accountId: '210987654321', statementId: 'acct' },
    { kind: 'account', accountId: '111122223333', statementId: 'bare' },
    { kind: 'organization', organizationId: 'o-abcdefghij', statementId: 'org' },
    { kind: 'organization', organizationId: 'o-0123456789', statementId: 'motoOrg' },
    { kind: 'public', statementId: 'pub' },
    { kind: 'other', principal: '', statementId: 'svc' },
  ]);
  assert.throws(() => parsePolicy('<html>'), UserError);
});

test('no policy is no grants; a missing version is a clear error', async () => {
  const gw = await withVersion();
  assert.deepEqual(await readPolicy(gw, id), { grants: [] });
  await assert.rejects(readPolicy(gw, { layerName: 'deps', version: 9 }), /Version 9 of layer deps does not exist/);
});

test('grants to an account, an organization and everyone, each with its own statement id, sending the RevisionId read', async () => {
  const gw = await withVersion();
  assert.deepEqual(await grantAccess(gw, id, { kind: 'account', accountId: '210987654321' }), {
    status: 'granted',
    statementId: 'account-210987654321',
  });
  const revision = gw.policies.get('deps:1')!.revisionId;
  const sent: (string | undefined)[] = [];
  const add = gw.addLayerVersionPermission.bind(gw);
  gw.addLayerVersionPermission = (input) => (sent.push(input.revisionId), add(input));
  await grantAccess(gw, id, { kind: 'organization', organizationId: 'o-abcdefghij' });
  await grantAccess(gw, id, { kind: 'public' });
  assert.equal(sent[0], revision);
  assert.deepEqual(
    (await readPolicy(gw, id)).grants.map((g) => `${g.kind} ${g.statementId}`),
    ['account account-210987654321', 'organization org-o-abcdefghij', 'public public'],
  );
  // The same audience again changes nothing.
  assert.deepEqual(await grantAccess(gw, id, { kind: 'public' }, 'other-id'), {
    status: 'already',
    statementId: 'public',
  });
});

test('bad ids, a duplicate statement id, a policy too large and a missing version get clear messages', async () => {
  const gw = await withVersion();
  await assert.rejects(grantAccess(gw, id, { kind: 'account', accountId: '12345' }), /12 digits/);
  await assert.rejects(grantAccess(gw, id, { kind: 'organization', organizationId: 'org-1' }), /o-a1b2c3d4e5/);
  await grantAccess(gw, id, { kind: 'account', accountId: '210987654321' }, 'mine');
  await assert.rejects(grantAccess(gw, id, { kind: 'public' }, 'mine'), /already has a statement with id "mine"/);
  gw.maxStatements = 1;
  await assert.rejects(grantAccess(gw, id, { kind: 'public' }), /too large/);
  await assert.rejects(grantAccess(gw, { layerName: 'deps', version: 4 }, { kind: 'public' }), /does not exist/);
  assert.equal(
    gw.calls.filter((c) => c === 'addPermission deps:1 mine').length,
    1,
    'a known duplicate id is refused before calling Lambda',
  );
});

test('a concurrent change (412) is re-read and retried once, never overwritten; twice is reported', async () => {
  const gw = await withVersion();
  gw.beforePolicyWrite = (call) => {
    if (call === 1) void gw.addLayerVersionPermission({ ...id, statementId: 'theirs', principal: '333333333333' });
  };
  assert.equal((await grantAccess(gw, id, { kind: 'public' })).status, 'granted');
  assert.deepEqual((await readPolicy(gw, id)).grants.map((g) => g.statementId).sort(), ['public', 'theirs']);

  gw.beforePolicyWrite = () => {
    gw.policies.get('deps:1')!.revisionId = `changed-${Math.random()}`;
  };
  await assert.rejects(grantAccess(gw, id, { kind: 'account', accountId: '444444444444' }), /keeps changing/);
  await assert.rejects(revokeAccess(gw, id, 'theirs'), /keeps changing/);
});

test('revokes one statement; an unknown statement id is a clear error', async () => {
  const gw = await withVersion();
  await grantAccess(gw, id, { kind: 'public' });
  await grantAccess(gw, id, { kind: 'account', accountId: '210987654321' });
  await revokeAccess(gw, id, 'public');
  assert.deepEqual(
    (await readPolicy(gw, id)).grants.map((g) => g.statementId),
    ['account-210987654321'],
  );
  await assert.rejects(
    revokeAccess(gw, id, 'public'),
    /has no statement "public"\. Its statements are: account-210987654321\.$/,
    'the ids that exist, so the next try needs no other command',
  );
  await revokeAccess(gw, id, 'account-210987654321');
  await assert.rejects(revokeAccess(gw, id, 'public'), /has no statement "public": it is not shared with anyone\.$/);
});

test('sharing all versions in all regions: a preview, then one grant per version not yet shared', async () => {
  const east = new FakeGateway('us-east-1');
  const west = new FakeGateway('eu-west-1');
  await withVersion(east);
  await withVersion(east);
  await withVersion(west);
  await grantAccess(east, { layerName: 'deps', version: 2 }, { kind: 'public' });
  const plan = await planShareAll([east, west], 'deps', { kind: 'public' });
  assert.deepEqual(
    plan.items.map((i) => `${i.region} ${i.version} ${i.already}`),
    ['us-east-1 2 true', 'us-east-1 1 false', 'eu-west-1 1 false'],
  );
  const outcomes = await applyShareAll([east, west], plan);
  assert.deepEqual(
    outcomes.map((o) => `${o.region} ${o.version} ${o.status}`),
    ['us-east-1 2 already', 'us-east-1 1 granted', 'eu-west-1 1 granted'],
  );
  assert.equal((await readPolicy(west, { layerName: 'deps', version: 1 })).grants[0].kind, 'public');
});
