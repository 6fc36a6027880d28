import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { SandboxContext } from '../context';
import type { Router } from '../router';
import { BlobStore } from '../store/blobs';
import { notFound } from '../wire';

/**
 * Serves the zips behind `Content.Location` (layers) and `Code.Location` (functions), which on AWS
 * are presigned S3 URLs: a plain GET of the presigned URL (the router checks it) returns the bytes.
 */
export function contentRoutes(router: Router, sb: SandboxContext): void {
  router.add(
    'GET',
    '/_sandbox/blobs/:file',
    async (ctx) => {
      const hex = ctx.params.file.replace(/\.zip$/, '');
      const path = sb.store.blobs.pathOf(hex);
      if (!BlobStore.isHex(hex)) throw notFound('The specified key does not exist.');
      const st = await fs.stat(path).catch(() => undefined);
      // A record can outlive its zip (lost, or deleted by hand): say so rather than look like a bad URL.
      if (!st)
        throw notFound(
          `${hex}.zip is missing from the endpoint's data folder: the record that points at it was kept, its code was not. Upload the code again.`,
        );
      ctx.res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': st.size });
      await pipeline(createReadStream(path), ctx.res);
    },
    'presignedUrl',
  );
}
