import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  DeleteLayerVersionCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  paginateListLayers,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { makeZip, withSandbox, type TestSandbox, rejectsWith } from '../../helpers/sandbox';
import { signedHeaders } from '../../helpers/sigv4';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

describe('layers over the AWS SDK', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  before(async () => {
    sb = await withSandbox();
    c = sb.client();
  });
  after(() => sb.close());

  it('publishes, gets (by name and by ARN) and serves the content', async () => {
    const zip = makeZip([{ name: 'python/a.py', data: 'A = 1\n' }]);
    const v = await c.send(
      new PublishLayerVersionCommand({
        LayerName: 'get-me',
        Content: { ZipFile: zip },
        CompatibleRuntimes: ['python3.12'],
        CompatibleArchitectures: ['arm64'],
        LicenseInfo: 'MIT',
      }),
    );
    assert.equal(v.$metadata.httpStatusCode, 201);
    assert.equal(v.Version, 1);
    assert.equal(v.LayerArn, 'arn:aws:lambda:us-east-1:123456789012:layer:get-me');
    assert.equal(v.LayerVersionArn, 'arn:aws:lambda:us-east-1:123456789012:layer:get-me:1');
    assert.equal(v.Content?.CodeSha256, sha(zip));
    assert.equal(v.Content?.CodeSize, zip.length);
    assert.equal(v.Description, '');
    assert.match(v.CreatedDate!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    const got = await c.send(new GetLayerVersionCommand({ LayerName: 'get-me', VersionNumber: 1 }));
    const byArn = await c.send(new GetLayerVersionByArnCommand({ Arn: v.LayerVersionArn }));
    for (const r of [got, byArn]) {
      assert.equal(r.LayerVersionArn, v.LayerVersionArn);
      assert.deepEqual(r.CompatibleRuntimes, ['python3.12']);
      assert.deepEqual(r.CompatibleArchitectures, ['arm64']);
      assert.equal(r.LicenseInfo, 'MIT');
    }
    const res = await fetch(got.Content!.Location!);
    assert.equal(res.status, 200);
    assert.equal(sha(new Uint8Array(await res.arrayBuffer())), sha(zip));
  });

  it('omits optional fields that were not sent', async () => {
    const v = await c.send(
      new PublishLayerVersionCommand({ LayerName: 'bare', Content: { ZipFile: makeZip([{ name: 'x', data: 'x' }]) } }),
    );
    assert.equal(v.CompatibleRuntimes, undefined);
    assert.equal(v.CompatibleArchitectures, undefined);
    assert.equal(v.LicenseInfo, undefined);
  });

  it('counts versions up, never reuses a number and deletes idempotently', async () => {
    const zip = makeZip([{ name: 'same', data: 'same' }]);
    for (let i = 1; i <= 3; i++) {
      assert.equal(
        (await c.send(new PublishLayerVersionCommand({ LayerName: 'counting', Content: { ZipFile: zip } }))).Version,
        i,
      );
    }
    const del = await c.send(new DeleteLayerVersionCommand({ LayerName: 'counting', VersionNumber: 3 }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    assert.equal(
      (await c.send(new DeleteLayerVersionCommand({ LayerName: 'counting', VersionNumber: 3 }))).$metadata
        .httpStatusCode,
      204,
    );
    assert.equal(
      (await c.send(new DeleteLayerVersionCommand({ LayerName: 'never-existed', VersionNumber: 9 }))).$metadata
        .httpStatusCode,
      204,
    );
    assert.equal(
      (await c.send(new PublishLayerVersionCommand({ LayerName: 'counting', Content: { ZipFile: zip } }))).Version,
      4,
    );
    const list = await c.send(new ListLayerVersionsCommand({ LayerName: 'counting' }));
    assert.deepEqual(
      list.LayerVersions?.map((v) => v.Version),
      [4, 2, 1],
    );
    assert.equal(list.NextMarker, undefined);
  });

  it('answers unknown and invalid versions as AWS does', async () => {
    await rejectsWith(
      c.send(new GetLayerVersionCommand({ LayerName: 'nope', VersionNumber: 1 })),
      'ResourceNotFoundException',
      404,
      /does not exist/,
    );
    await rejectsWith(
      c.send(new GetLayerVersionCommand({ LayerName: 'nope', VersionNumber: 0 })),
      'InvalidParameterValueException',
      400,
    );
    await rejectsWith(
      c.send(new GetLayerVersionByArnCommand({ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:nope:1' })),
      'ResourceNotFoundException',
      404,
    );
    await rejectsWith(c.send(new GetLayerVersionByArnCommand({ Arn: 'not-an-arn' })), 'ValidationException', 400);
    const empty = await c.send(new ListLayerVersionsCommand({ LayerName: 'nope' }));
    assert.deepEqual(empty.LayerVersions, []);
  });

  it('validates publish input', async () => {
    const zip = makeZip([{ name: 'x', data: 'x' }]);
    await rejectsWith(
      c.send(new PublishLayerVersionCommand({ LayerName: 'bad name', Content: { ZipFile: zip } })),
      'ValidationException',
      400,
    );
    await rejectsWith(
      c.send(
        new PublishLayerVersionCommand({ LayerName: 'l', Content: { ZipFile: zip }, Description: 'd'.repeat(257) }),
      ),
      'ValidationException',
      400,
      /description/,
    );
    await rejectsWith(
      c.send(
        new PublishLayerVersionCommand({
          LayerName: 'l',
          Content: { ZipFile: zip },
          CompatibleArchitectures: ['sparc' as never],
        }),
      ),
      'ValidationException',
      400,
    );
    await rejectsWith(
      c.send(new PublishLayerVersionCommand({ LayerName: 'l', Content: { ZipFile: Buffer.from('not a zip') } })),
      'InvalidParameterValueException',
      400,
      /Could not unzip/,
    );
  });

  it('answers 413 RequestEntityTooLargeException past the request size limit', async () => {
    // A raw request signed over UNSIGNED-PAYLOAD: the body is only counted, so spaces do. Past the largest zip's
    // base64 plus the room left for the JSON around it.
    const size = 69_905_067 + 1024 * 1024 + 1;
    const path = '/2018-10-31/layers/huge/versions';
    const signed = await signedHeaders(
      sb.url,
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': String(size) },
        body: 'UNSIGNED-PAYLOAD',
      },
      sb.credentials,
    );
    const { status, headers, body } = await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      body: string;
    }>((resolve, reject) => {
      const req = request(`${sb.url}${path}`, { method: 'POST', headers: signed }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          const n = Math.min(chunk.length, size - sent);
          sent += n;
          if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    assert.equal(headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.match(body, /Request must be smaller than 69905067 bytes for the PublishLayerVersion operation/);
  });

  it('lists layers with their latest matching version, filtered and paged', async () => {
    const zip = makeZip([{ name: 'x', data: 'x' }]);
    await c.send(
      new PublishLayerVersionCommand({
        LayerName: 'filter-me',
        Content: { ZipFile: zip },
        CompatibleRuntimes: ['python3.11'],
      }),
    );
    await c.send(
      new PublishLayerVersionCommand({
        LayerName: 'filter-me',
        Content: { ZipFile: zip },
        CompatibleRuntimes: ['python3.12'],
      }),
    );
    const py311 = await c.send(new ListLayersCommand({ CompatibleRuntime: 'python3.11' }));
    const match = py311.Layers?.find((l) => l.LayerName === 'filter-me');
    assert.equal(match?.LatestMatchingVersion?.Version, 1);
    const all = await c.send(new ListLayersCommand({}));
    assert.equal(all.Layers?.find((l) => l.LayerName === 'filter-me')?.LatestMatchingVersion?.Version, 2);
    assert.equal(
      all.Layers?.some((l) => l.LayerName === 'never-existed'),
      false,
    );

    for (let i = 0; i < 7; i++)
      await c.send(new PublishLayerVersionCommand({ LayerName: `page-${i}`, Content: { ZipFile: zip } }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListLayers({ client: c, pageSize: 3 }, {})) {
      pages++;
      assert.ok((page.Layers?.length ?? 0) <= 3);
      names.push(...(page.Layers ?? []).map((l) => l.LayerName!));
    }
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(
      names.filter((n) => n.startsWith('page-')),
      Array.from({ length: 7 }, (_, i) => `page-${i}`),
    );
    assert.equal(pages, Math.ceil(names.length / 3));
    await rejectsWith(c.send(new ListLayersCommand({ MaxItems: 51 })), 'ValidationException', 400);
  });

  it('pages layer versions newest first', async () => {
    const zip = makeZip([{ name: 'x', data: 'x' }]);
    for (let i = 0; i < 5; i++)
      await c.send(new PublishLayerVersionCommand({ LayerName: 'versions-paged', Content: { ZipFile: zip } }));
    const first = await c.send(new ListLayerVersionsCommand({ LayerName: 'versions-paged', MaxItems: 2 }));
    assert.deepEqual(
      first.LayerVersions?.map((v) => v.Version),
      [5, 4],
    );
    const second = await c.send(
      new ListLayerVersionsCommand({ LayerName: 'versions-paged', MaxItems: 2, Marker: first.NextMarker }),
    );
    assert.deepEqual(
      second.LayerVersions?.map((v) => v.Version),
      [3, 2],
    );
    const last = await c.send(
      new ListLayerVersionsCommand({ LayerName: 'versions-paged', MaxItems: 2, Marker: second.NextMarker }),
    );
    assert.deepEqual(
      last.LayerVersions?.map((v) => v.Version),
      [1],
    );
    assert.equal(last.NextMarker, undefined);
  });

  it('keeps regions apart (region from the SigV4 scope)', async () => {
    const west = sb.client('us-west-2');
    const v = await west.send(
      new PublishLayerVersionCommand({
        LayerName: 'regional',
        Content: { ZipFile: makeZip([{ name: 'x', data: 'x' }]) },
      }),
    );
    assert.equal(v.LayerVersionArn, 'arn:aws:lambda:us-west-2:123456789012:layer:regional:1');
    const east = await c.send(new ListLayerVersionsCommand({ LayerName: 'regional' }));
    assert.deepEqual(east.LayerVersions, []);
  });
});
