import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateUnzippedSize } from '../../../src/ops/sizeGuard';
import { knownSizesFromManifests } from '../../../src/ops/manifest';
import { UNZIPPED_LIMIT } from '../../../src/layer/manifest';

const MB = 1024 * 1024;

test('known unzipped sizes by ARN or CodeSha256 are exact; unknown parts count zipped as a lower bound', () => {
  const known = { byArn: new Map([['arn:a', 100 * MB]]), bySha256: new Map([['sha-b', 50 * MB]]) };
  const e = estimateUnzippedSize({ codeSize: 1 * MB }, [{ arn: 'arn:a', codeSize: 30 * MB }, { arn: 'arn:b', codeSha256: 'sha-b', codeSize: 20 * MB }], known);
  assert.equal(e.totalBytes, 151 * MB);
  assert.equal(e.lowerBound, true, 'the function code was counted zipped');
  assert.deepEqual(e.items.map((i) => i.exact), [false, true, true]);
  assert.equal(e.level, 'ok');
  assert.equal(e.message, undefined);
});

test('warns from 80 % and says when it is a lower bound; over the limit is "over"', () => {
  const at80 = estimateUnzippedSize({ unzippedSize: UNZIPPED_LIMIT * 0.8 }, []);
  assert.equal(at80.level, 'warn');
  assert.equal(at80.lowerBound, false);
  assert.match(at80.message ?? '', /80%/);
  assert.equal(estimateUnzippedSize({ unzippedSize: UNZIPPED_LIMIT * 0.8 - 1 }, []).level, 'ok');
  const lower = estimateUnzippedSize({ codeSize: UNZIPPED_LIMIT * 0.9 }, []);
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
