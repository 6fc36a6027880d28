import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPresignedPath, presignPath } from '../../../src/sandbox/auth/contentUrls';
import { checkNotFromBrowser } from '../../../src/sandbox/auth/requestGate';
import type { ApiError } from '../../../src/sandbox/wire';

const refused = (code: string, message: RegExp) => (e: ApiError) =>
  e.status === 403 && e.code === code && message.test(e.message);

describe('requests a browser could send', () => {
  const req = (headers: Record<string, string>, method = 'POST') => ({
    method,
    url: '/2015-03-31/functions',
    rawHeaders: Object.entries(headers).flat(),
  });

  it('lets through a client addressing the endpoint by its loopback address or localhost', () => {
    checkNotFromBrowser(req({ Host: '127.0.0.1:4566' }), 4566);
    checkNotFromBrowser(req({ Host: 'LOCALHOST:4566', 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'cors' }), 4566);
  });

  it('refuses another Host (DNS rebinding), another port, or none', () => {
    assert.throws(
      () => checkNotFromBrowser(req({ Host: 'attacker.example:4566' }), 4566),
      refused('AccessDeniedException', /not Host 'attacker\.example:4566'/),
    );
    assert.throws(
      () => checkNotFromBrowser(req({ Host: '127.0.0.1:4567' }), 4566),
      refused('AccessDeniedException', /127\.0\.0\.1:4566 or localhost:4566 only/),
    );
    assert.throws(
      () => checkNotFromBrowser(req({ Host: '127.0.0.1' }), 4566),
      refused('AccessDeniedException', /not Host '127\.0\.0\.1'/),
    );
    assert.throws(() => checkNotFromBrowser(req({}), 4566), refused('AccessDeniedException', /not Host ''/));
    assert.throws(
      () => checkNotFromBrowser(req({ Host: '127.0.0.1:4566', host: 'attacker.example' }), 4566),
      refused('AccessDeniedException', /Host/),
    );
  });

  it('refuses preflights and anything carrying Origin or a cross-site Sec-Fetch-Site', () => {
    const host = { Host: '127.0.0.1:4566' };
    assert.throws(() => checkNotFromBrowser(req(host, 'OPTIONS'), 4566), refused('AccessDeniedException', /preflight/));
    assert.throws(
      () => checkNotFromBrowser(req({ ...host, Origin: 'null' }), 4566),
      refused('AccessDeniedException', /Origin: null/),
    );
    assert.throws(
      () => checkNotFromBrowser(req({ ...host, Origin: 'http://127.0.0.1:8080' }), 4566),
      refused('AccessDeniedException', /web pages/),
    );
    for (const site of ['cross-site', 'same-site', 'same-origin']) {
      assert.throws(
        () => checkNotFromBrowser(req({ ...host, 'Sec-Fetch-Site': site }), 4566),
        refused('AccessDeniedException', new RegExp(site)),
      );
    }
  });
});

describe('presigned download URLs', () => {
  const path = '/_sandbox/blobs/abc.zip';
  const at = new Date('2026-01-01T12:00:00Z');
  const query = (url: string) => new URL(url, 'http://127.0.0.1').searchParams;

  it('are valid for ten minutes with the secret that made them, for that path only', () => {
    const url = presignPath('s3cret', path, at);
    assert.match(
      url,
      /^\/_sandbox\/blobs\/abc\.zip\?X-Amz-Date=20260101T120000Z&X-Amz-Expires=600&X-Amz-Signature=[0-9a-f]{64}$/,
    );
    checkPresignedPath('s3cret', path, query(url), new Date('2026-01-01T12:10:00Z'));
    assert.throws(
      () => checkPresignedPath('s3cret', path, query(url), new Date('2026-01-01T12:10:01Z')),
      refused('AccessDenied', /^Request has expired$/),
    );
    assert.throws(
      () => checkPresignedPath('other', path, query(url), at),
      refused('AccessDenied', /signature we calculated does not match/),
    );
    assert.throws(
      () => checkPresignedPath('s3cret', '/_sandbox/blobs/def.zip', query(url), at),
      refused('AccessDenied', /does not match/),
    );
    assert.throws(
      () => checkPresignedPath('s3cret', path, query(url.replace('Expires=600', 'Expires=6000')), at),
      refused('AccessDenied', /does not match/),
    );
  });

  it('refuse a plain GET without the parameters', () => {
    assert.throws(
      () => checkPresignedPath('s3cret', path, new URLSearchParams(), at),
      refused('AccessDenied', /requires the X-Amz-Date, X-Amz-Expires and X-Amz-Signature/),
    );
  });
});
