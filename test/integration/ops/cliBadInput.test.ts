import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { cliEnv, runCli } from '../../helpers/cli';
import {
  TEST_ROLE,
  createActiveFunction,
  handlerZip,
  makeZip,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

/** Bad input to the command line as a user in a terminal or CI types it: a clear message, no change, no trace. */
describe('command line with bad input', () => {
  let sb: TestSandbox;
  let dir: string;
  const endpoint = () => ['--endpoint', sb.url];
  const echoFunction = (name: string, layers?: string[]) =>
    createActiveFunction(sb.client(), {
      FunctionName: name,
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.lambda_handler',
      Code: { ZipFile: handlerZip('def lambda_handler(e, c):\n    return e\n') },
      Layers: layers,
    });

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 10 });
    dir = await fs.mkdtemp(join(tmpdir(), 'cli-bad-'));
    await echoFunction('fn');
    for (let i = 0; i < 2; i++)
      await sb.client().send(
        new PublishLayerVersionCommand({
          LayerName: 'deps',
          Content: { ZipFile: makeZip([{ name: 'python/x.py', data: `X=${i}` }]) },
        }),
      );
  });
  after(async () => {
    await sb?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a wrong secret against a local endpoint says to use the key the endpoint was started with, in one line', async () => {
    const r = await runCli(['invoke', 'fn', ...endpoint()], cliEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /did not accept the signature/);
    assert.match(r.stderr, /AWS_SECRET_ACCESS_KEY/);
    assert.doesNotMatch(r.stderr, /aws configure|Canonical String/);
  });

  it('an --endpoint that is not a URL is named, before any call', async () => {
    const r = await runCli(['invoke', 'fn', '--endpoint', '127.0.0.1:9001']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--endpoint 127\.0\.0\.1:9001 is not a URL.*http:\/\/127\.0\.0\.1:9001/);
  });

  it('prune --regions with no region in it is bad usage, not the default region', async () => {
    const r = await runCli(['prune', 'deps', '--keep', '0', '--regions', ',', ...endpoint()]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const left = await runCli(['prune', 'deps', '--keep', '9', '--dry-run', ...endpoint()]);
    assert.equal(left.stdout.trim().split('\n').length, 2, left.stdout);
  });

  it('a layer name with no versions (a typo) says so: prune names the region, a rollout dry run does not also say all is well', async () => {
    for (const dry of [[], ['--dry-run']]) {
      const r = await runCli(['prune', 'dpes', '--keep', '1', ...dry, ...endpoint()]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /dpes has no versions in us-east-1: nothing to prune\. Check the layer name/);
    }
    const plan = await runCli(['rollout', 'dpes', '--regions', 'us-east-1', '--dry-run', ...endpoint()]);
    assert.equal(plan.code, 1);
    assert.match(plan.stderr, /The layer dpes has no versions/);
    assert.doesNotMatch(plan.stderr, /newest version/);
  });

  it('prune --min-age-days that is not a number names the flag and the value, not "got NaN"', async () => {
    const age = await runCli(['prune', 'deps', '--keep', '1', '--min-age-days', 'old', ...endpoint()]);
    assert.equal(age.code, 2);
    assert.match(age.stderr, /--min-age-days must be a number of 0 or more, not "old"/);
    assert.doesNotMatch(age.stderr, /NaN/);
  });

  it('create-function and deploy --from a folder that is missing or a file say so, not "The AWS call failed"', async () => {
    const zip = join(dir, 'code.zip');
    await fs.writeFile(zip, 'x');
    const cases = [
      { from: join(dir, 'nope'), says: /The folder .*nope does not exist/ },
      { from: zip, says: /code\.zip is not a folder/ },
    ];
    for (const { from, says } of cases) {
      const create = ['create-function', 'fn2', '--from', from, '--runtime', 'python3.12', '--handler', 'app.handler'];
      for (const args of [create, ['deploy', 'fn', '--from', from]]) {
        const r = await runCli([...args, ...endpoint()]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, says);
        assert.doesNotMatch(r.stderr, /AWS call failed|scandir/);
      }
    }
  });

  it("attach with a malformed ARN is refused before any call, without the size check's warning", async () => {
    const r = await runCli(['attach', 'fn', 'arn:aws:lambda:us-east-1:123456789012:layer:deps', ...endpoint()]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'error: arn:aws:lambda:us-east-1:123456789012:layer:deps is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION).\n',
    );
  });

  it('a function or layer version that does not exist is "not found" with what to check, not the explorer to refresh', async () => {
    for (const args of [
      ['detach', 'no-such-fn', 'deps'],
      ['analyze', 'no-such-fn'],
      [
        'diff',
        'arn:aws:lambda:us-east-1:123456789012:layer:deps:99',
        'arn:aws:lambda:us-east-1:123456789012:layer:deps:1',
      ],
    ]) {
      const r = await runCli([...args, ...endpoint()]);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /Not found: .* Check the name, the region and the connection\./);
      assert.doesNotMatch(r.stderr, /explorer/);
    }
  });

  it('a flag that takes one value, given twice, is bad usage and changes nothing (not the last one silently)', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:deps:2';
    const r = await runCli(['share', arn, '--account', '210987654321', '--account', '111111111111', ...endpoint()]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--account was given 2 times \(210987654321, 111111111111\); it takes one value/);
    const policy = await runCli(['policy', arn, ...endpoint()]);
    assert.equal(policy.code, 0, policy.stderr);
    assert.match(policy.stderr, /has no policy/);
  });

  it('no command or an unknown one is bad usage (exit 2, named); --help is the usage on stdout (exit 0)', async () => {
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^usage: cli </);
    const typo = await runCli(['publsh', 'x.zip']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown command "publsh"\.\nusage: cli </);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: cli <build\|publish\|/);
  });

  it('rollout --output that cannot be written (a folder, a file in the way) is refused before any function moves', async () => {
    const old = 'arn:aws:lambda:us-east-1:123456789012:layer:deps:1';
    await echoFunction('on-old', [old]);
    const blocker = join(dir, 'a-file');
    await fs.writeFile(blocker, 'x');
    for (const [out, why] of [
      [dir, /it is a folder/],
      [join(blocker, 'result.csv'), /ENOTDIR|not a folder|EEXIST/],
    ] as const) {
      const r = await runCli(['rollout', 'deps', '--regions', 'us-east-1', '--output', out, ...endpoint()]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /--output .* cannot be written/);
      assert.match(r.stderr, why);
    }
    const fn = await sb.client().send(new GetFunctionConfigurationCommand({ FunctionName: 'on-old' }));
    assert.deepEqual(
      fn.Layers?.map((l) => l.Arn),
      [old],
    );
  });
});
