import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateUnzippedSize } from '../../../src/ops/sizeGuard';
import { knownSizesFromManifests } from '../../../src/ops/manifest';
import { UNZIPPED_LIMIT } from '../../../src/layer/manifest';

const MB = 1024 * 1024;

test('known unzipped sizes by ARN or CodeSha256 are exact; unknown parts count zipped as a lower bound', () => {
  const known = { byArn: new Map([['arn:a', 100 * MB]]), bySha256: new Map([['sha-b', 50 * MB]]) };
  const e = estimateUnzippedSize(
    { codeSize: 1 * MB },
    [
      { arn: 'arn:a', codeSize: 30 * MB },
      { arn: 'arn:b', codeSha256: 'sha-b', codeSize: 20 * MB },
    ],
    known,
  );
  assert.equal(e.totalBytes, 151 * MB);
  assert.equal(e.lowerBound, true, 'the function code was counted zipped');
  assert.deepEqual(
    e.items.map((i) => i.exact),
    [false, true, true],
  );
  assert.equal(e.level, 'ok');
  assert.equal(e.message, undefined);
});

test('warns past 90 % and says when it is a lower bound; over the limit is "over"', () => {
  const at91 = estimateUnzippedSize({ unzippedSize: UNZIPPED_LIMIT * 0.91 }, []);
  assert.equal(at91.level, 'warn');
  assert.equal(at91.lowerBound, false);
  assert.match(at91.message ?? '', /91%/);
  assert.equal(estimateUnzippedSize({ unzippedSize: UNZIPPED_LIMIT * 0.9 }, []).level, 'ok');
  assert.equal(
    estimateUnzippedSize({ unzippedSize: UNZIPPED_LIMIT }, []).level,
    'warn',
    'exactly the limit is still accepted',
  );
  assert.equal(estimateUnzippedSize({ unzippedSize: UNZIPPED_LIMIT + 1 }, []).level, 'over');
  const lower = estimateUnzippedSize({ codeSize: UNZIPPED_LIMIT * 0.95 }, []);
  assert.equal(lower.level, 'warn');
  assert.match(lower.message ?? '', /at least/);
  const over = estimateUnzippedSize({ unzippedSize: 10 }, [{ arn: 'x', codeSize: UNZIPPED_LIMIT }]);
  assert.equal(over.level, 'over');
  assert.match(over.message ?? '', /refuse/);
});

test('known sizes come from manifests', () => {
  const m = { unzippedSize: 1234, codeSha256: 'abc=' };
  const known = knownSizesFromManifests([{ manifest: m, arn: 'arn:l:1' }, { manifest: {} as typeof m }]);
  assert.equal(known.byArn?.get('arn:l:1'), 1234);
  assert.equal(known.bySha256?.get('abc='), 1234);
  assert.equal(known.bySha256?.size, 1);
});
