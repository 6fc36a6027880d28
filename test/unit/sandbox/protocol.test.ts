import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunctionName, parseLayerName, parseLayerVersionArn } from '../../../src/sandbox/arn';
import { paginate } from '../../../src/sandbox/paging';
import { reportLine, timeoutMessage } from '../../../src/sandbox/runtime/report';
import { Problems, checkRuntime, decodeZipFile } from '../../../src/sandbox/validate';
import { ApiError, awsDate, errorBody, tooLarge } from '../../../src/sandbox/wire';

describe('function and layer names', () => {
  it('accepts every spelling Lambda accepts', () => {
    for (const raw of [
      'my-fn',
      'my-fn:$LATEST',
      '123456789012:function:my-fn',
      'function:my-fn',
      'arn:aws:lambda:us-east-1:123456789012:function:my-fn',
      'arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod',
    ]) {
      assert.equal(parseFunctionName(raw, 'us-east-1').name, 'my-fn', raw);
    }
    assert.equal(parseFunctionName('my-fn:prod', 'us-east-1').qualifier, 'prod');
  });

  it('answers a malformed name with ValidationException and a foreign region with 404, as AWS', () => {
    assert.throws(
      () => parseFunctionName('bad name', 'us-east-1'),
      (e: ApiError) => e.code === 'ValidationException' && e.status === 400,
    );
    assert.throws(
      () => parseFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:f', 'us-east-1'),
      (e: ApiError) =>
        e.code === 'ResourceNotFoundException' &&
        e.status === 404 &&
        e.message === "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    );
  });

  it('parses layer names and version ARNs', () => {
    assert.equal(parseLayerName('arn:aws:lambda:us-east-1:123456789012:layer:deps'), 'deps');
    assert.equal(parseLayerName('deps_2'), 'deps_2');
    assert.throws(
      () => parseLayerName('no/slash'),
      (e: ApiError) => e.code === 'ValidationException',
    );
    assert.deepEqual(parseLayerVersionArn('arn:aws:lambda:us-west-2:123456789012:layer:deps:7'), {
      arn: 'arn:aws:lambda:us-west-2:123456789012:layer:deps:7',
      region: 'us-west-2',
      account: '123456789012',
      name: 'deps',
      version: 7,
    });
    assert.equal(parseLayerVersionArn('arn:aws:lambda:us-west-2:123456789012:layer:deps'), undefined);
  });
});

describe('paginate', () => {
  const items = Array.from({ length: 7 }, (_, i) => `f${i}`);
  const page = (marker: string | null, limit: number) =>
    paginate(
      items,
      marker,
      limit,
      (s) => s,
      (s, k) => s > k,
    );

  it('walks every item once, with no marker on the last page', () => {
    const seen: string[] = [];
    let marker: string | null = null;
    let pages = 0;
    do {
      const p = page(marker, 3);
      seen.push(...p.page);
      marker = p.nextMarker ?? null;
      pages++;
    } while (marker);
    assert.deepEqual(seen, items);
    assert.equal(pages, 3);
    assert.equal(page(null, 7).nextMarker, undefined);
  });

  it('rejects a marker it did not issue', () => {
    assert.throws(
      () => page('garbage!', 3),
      (e: ApiError) => e.code === 'InvalidParameterValueException',
    );
  });
});

describe('wire formats', () => {
  it('ZipFile must be real base64', () => {
    assert.deepEqual(decodeZipFile(Buffer.from('PK zip').toString('base64'), 'CreateFunction'), Buffer.from('PK zip'));
    assert.equal(decodeZipFile(undefined, 'CreateFunction'), undefined);
    for (const bad of ['!!!!', 'QUJD*EVG', 42]) {
      assert.throws(
        () => decodeZipFile(bad, 'CreateFunction'),
        (e: ApiError) => e.code === 'InvalidParameterValueException',
      );
    }
  });

  it('the 50 MiB direct-upload limit applies to the zip, answered with AWS 413', () => {
    const limit = 50 * 1024 * 1024;
    assert.equal(decodeZipFile(Buffer.alloc(limit).toString('base64'), 'UpdateFunctionCode')!.length, limit);
    assert.throws(
      () => decodeZipFile(Buffer.alloc(limit + 1).toString('base64'), 'UpdateFunctionCode'),
      (e: ApiError) =>
        e.status === 413 &&
        e.code === 'RequestEntityTooLargeException' &&
        e.message === 'Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation',
    );
    assert.equal(tooLarge(6291456, 'InvokeFunction').code, 'RequestTooLargeException');
  });

  it('error bodies spell the message field as the model does, with Type on modelled errors', () => {
    const body = (status: number, code: string) => errorBody(new ApiError(status, code, 'm'));
    assert.deepEqual(body(404, 'ResourceNotFoundException'), { Type: 'User', Message: 'm' });
    assert.deepEqual(body(400, 'InvalidParameterValueException'), { Type: 'User', message: 'm' });
    assert.deepEqual(body(409, 'ResourceConflictException'), { Type: 'User', message: 'm' });
    assert.deepEqual(body(412, 'PreconditionFailedException'), { Type: 'User', message: 'm' });
    assert.deepEqual(body(502, 'InvalidRuntimeException'), { Type: 'User', Message: 'm' });
    assert.deepEqual(body(500, 'ServiceException'), { Type: 'Service', Message: 'm' });
    assert.deepEqual(body(400, 'ValidationException'), { message: 'm' });
    assert.deepEqual(body(413, 'RequestEntityTooLargeException'), { message: 'm' });
    assert.deepEqual(body(403, 'AccessDeniedException'), { Message: 'm' });
  });

  it('an unknown runtime is InvalidParameterValue listing the runtimes; bad environment names a ValidationException', () => {
    assert.throws(
      () => checkRuntime('cobol85'),
      (e: ApiError) =>
        e.code === 'InvalidParameterValueException' &&
        e.message.startsWith(
          "Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, nodejs4.3,",
        ) &&
        e.message.endsWith('ruby4.0] or be a valid ARN'),
    );
    checkRuntime('python3.12');
    checkRuntime(undefined);
    const p = new Problems();
    p.mapKeysPattern({ GOOD_1: 'x', '1BAD': 'secret' }, 'environment.variables', '[a-zA-Z]([a-zA-Z0-9_])+');
    assert.throws(
      () => p.throwIfAny(),
      (e: ApiError) =>
        e.code === 'ValidationException' &&
        e.message ===
          "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
    );
  });

  it('dates look like 2018-11-14T23:03:52.894+0000', () => {
    assert.match(awsDate(new Date(Date.UTC(2018, 10, 14, 23, 3, 52, 894))), /^2018-11-14T23:03:52\.894\+0000$/);
  });

  it('REPORT line carries Init Duration and the local Python note', () => {
    const line = reportLine({
      requestId: 'r1',
      durationMs: 15.738,
      memoryMb: 128,
      maxMemoryMb: 56,
      initDurationMs: 130.49,
      local: 'Python: 3.11.7 (function runtime python3.12)',
    });
    assert.equal(
      line,
      'REPORT RequestId: r1\tDuration: 15.74 ms\tBilled Duration: 16 ms\tMemory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 130.49 ms\tLocal Python: 3.11.7 (function runtime python3.12)\t\n',
    );
    assert.equal(timeoutMessage(3), 'Task timed out after 3.00 seconds');
  });
});
