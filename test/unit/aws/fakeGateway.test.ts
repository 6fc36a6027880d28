// The tests' Lambda fake (test/helpers/fakeGateway.ts) answers the listings the engines and the model read the
// way Lambda does.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FakeGateway, versionArn } from '../../helpers/fakeGateway';

test("the Lambda fake lists a function's versions and aliases the way Lambda does", async () => {
  const g = new FakeGateway();
  g.addFunction('f', { layers: [versionArn('A', 1)] });
  g.addPublishedVersion('f', 1, [versionArn('A', 1)]);
  g.aliases.set('f', [{ Name: 'live', FunctionVersion: '1' }]);
  const listed = async <T>(it: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };
  assert.deepEqual(
    (await listed(g.listVersionsByFunction('f'))).map((v) => v.Version),
    ['$LATEST', '1'],
  );
  assert.deepEqual(
    (await listed(g.listFunctionPages({ allVersions: true }))).flat().map((v) => v.FunctionArn?.split(':').pop()),
    ['$LATEST', '1'],
  );
  assert.deepEqual(
    (await listed(g.listFunctionPages())).flat().map((v) => v.FunctionName),
    ['f'],
  );
  assert.deepEqual(
    (await listed(g.listAliases('f'))).map((a) => a.Name),
    ['live'],
  );
  await assert.rejects(listed(g.listAliases('missing')), { name: 'ResourceNotFoundException' });
});
