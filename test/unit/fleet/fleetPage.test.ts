import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFleetPage, renderRolloutPage } from '../../../src/fleet/fleetPage';

const frame = { nonce: 'n0nce', cspSource: 'vscode-resource:', title: 'Fleet' };
const arn = (region: string, v: number) => `arn:aws:lambda:${region}:123456789012:layer:deps:${v}`;

test('the fleet page shows each region as it arrives: versions with hash and users, missing and failing regions, loading ones', () => {
  const many = Array.from({ length: 2000 }, (_, i) => `fn-${i}`);
  const html = renderFleetPage(
    'deps',
    [
      {
        target: 'us-east-1',
        region: 'us-east-1',
        account: '123456789012',
        status: 'ok',
        latest: 2,
        behind: 2000,
        aliasFailures: ['locked-fn'],
        versions: [
          {
            version: 2,
            arn: arn('us-east-1', 2),
            sha256: 'aaaa1111bbbb2222',
            behindBy: 0,
            functions: ['fresh'],
            aliases: [],
          },
          {
            version: 1,
            arn: arn('us-east-1', 1),
            sha256: 'cccc3333dddd4444',
            behindBy: 1,
            functions: many,
            aliases: [],
          },
        ],
      },
      {
        target: 'eu-west-1',
        region: 'eu-west-1',
        status: 'ok',
        latest: 5,
        behind: 0,
        aliasFailures: [],
        versions: [
          {
            version: 5,
            arn: arn('eu-west-1', 5),
            sha256: 'aaaa1111bbbb2222',
            behindBy: 0,
            functions: ['fn:3', 'fn'],
            aliases: [
              { alias: 'fn:live', version: 'fn:3' },
              { alias: 'fn:<dev>', version: 'fn' },
            ],
          },
        ],
      },
      {
        target: 'ap-east-1',
        region: 'ap-east-1',
        status: 'error',
        reason: 'The security token included in the request is invalid <opt-in>',
      },
      { target: 'sa-east-1', region: 'sa-east-1', status: 'missing' },
      { target: 'eu-north-1', region: 'eu-north-1', status: 'loading' },
    ],
    frame,
  );
  assert.match(
    html,
    /id="same-content">Same content everywhere</,
    'the newest hash is the same in both loaded regions',
  );
  assert.match(html, /<div class="value">2000<\/div>/, 'functions behind');
  assert.match(html, /fn-11 <span class="muted">and 1988 more<\/span>/, 'thousands of users are counted, not listed');
  assert.doesNotMatch(html, /fn-12,/);
  assert.match(html, /<td class="num">2000<\/td>/);
  assert.match(html, /<td>fn:3, fn<\/td>/, 'published versions show as name:version');
  assert.match(
    html,
    /<td class="aliases">fn:live → fn:3, fn:&lt;dev&gt; → fn<\/td>/,
    'the aliases routing to the versions using it, escaped',
  );
  assert.match(html, /<strong>us-east-1<\/strong><div class="muted account">123456789012<\/div>/, 'the account');
  assert.match(html, /us-east-1: the aliases of locked-fn could not be read\./);
  assert.match(
    html,
    /ap-east-1 could not be read: The security token included in the request is invalid &lt;opt-in&gt;/,
  );
  assert.match(html, /deps is missing in sa-east-1\./);
  assert.match(
    html,
    /data-region="eu-north-1"><td><strong>eu-north-1<\/strong><\/td><td colspan="6" class="muted">Loading…/,
  );
  assert.match(html, /<td>1<\/td><td><code>cccc3333dddd4444<\/code><\/td><td>1 behind<\/td>/);
  assert.match(html, /data-action="rollOut"/);
});

test('different newest content across regions is flagged', () => {
  const row = (region: string, sha: string) => ({
    target: region,
    region,
    status: 'ok' as const,
    latest: 1,
    behind: 0,
    aliasFailures: [],
    versions: [{ version: 1, arn: arn(region, 1), sha256: sha, behindBy: 0, functions: [], aliases: [] }],
  });
  assert.match(
    renderFleetPage('deps', [row('us-east-1', 'aa'), row('eu-west-1', 'bb')], frame),
    /class="badge warn" id="same-content"/,
  );
});

test('the rollout page shows the plan or the results with their counts', () => {
  const item = {
    target: 'eu-west-1',
    region: 'eu-west-1',
    function: 'fn-a',
    from: arn('eu-west-1', 1),
    to: arn('eu-west-1', 2),
  };
  const plan = renderRolloutPage('deps', [item], frame, true);
  assert.match(plan, /Rollout plan: deps/);
  assert.match(plan, /1 → 2<\/td><td><span class="badge info">planned</);
  const done = renderRolloutPage(
    'deps',
    [{ ...item, result: 'rolled-back', canary: true, reason: 'ImportError' }],
    frame,
    false,
  );
  assert.match(done, /fn-a <span class="badge info">canary<\/span>/);
  assert.match(done, /<span class="badge fail">rolled back<\/span><\/td><td class="muted">ImportError/);
  assert.match(done, /data-action="save"/);
});
