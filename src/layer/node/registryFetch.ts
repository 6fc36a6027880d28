import * as http from 'node:http';
import * as https from 'node:https';
import * as l10n from '@vscode/l10n';
import { UserError, throwIfAborted } from '../../util/errors';
import { redactUrl } from '../indexes';
import type { FetchSettings } from './fetchSettings';

const MAX_REDIRECTS = 5;
/** A tarball larger than a whole layer may be is refused while it downloads. */
const MAX_TARBALL_BYTES = 512 * 1024 * 1024;

/** Status codes npm retries (its fetch retries on these and on network errors). */
const RETRYABLE = new Set([408, 420, 429, 500, 502, 503, 504]);

export interface RegistryClient {
  get(url: string, signal?: AbortSignal): Promise<Buffer>;
  close(): void;
}

/**
 * GETs tarballs as npm does: npm's credentials for each URL, its CA and strict-ssl, kept-alive connections (a
 * layer is hundreds of small downloads), redirects followed, network errors and 5xx retried with a short back-off.
 */
export function registryClient(settings: FetchSettings): RegistryClient {
  const options = { keepAlive: true, maxSockets: settings.concurrency };
  const httpAgent = new http.Agent(options);
  const httpsAgent = new https.Agent({ ...options, ca: settings.ca, rejectUnauthorized: settings.rejectUnauthorized });
  const once = (url: URL, signal?: AbortSignal) =>
    new Promise<{ status: number; location?: string; body: Buffer }>((resolve, reject) => {
      const auth = settings.authorization(url.href);
      const request = (url.protocol === 'https:' ? https : http).get(
        url,
        {
          agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
          headers: {
            accept: '*/*',
            'user-agent': 'lambda-layers (npm tarballs)',
            ...(auth ? { authorization: auth } : {}),
          },
          signal,
          timeout: settings.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_TARBALL_BYTES) response.destroy(new Error(`larger than ${MAX_TARBALL_BYTES} bytes`));
            else chunks.push(c);
          });
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              location: response.headers.location,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer in ${settings.timeoutMs} ms`)));
      request.on('error', reject);
    });

  return {
    async get(href, signal) {
      let url = new URL(href);
      for (let attempt = 0, redirects = 0; ;) {
        throwIfAborted(signal);
        let answer: Awaited<ReturnType<typeof once>>;
        try {
          answer = await once(url, signal);
        } catch (e) {
          throwIfAborted(signal);
          if (attempt++ < settings.retries) {
            await pause(500 * attempt, signal);
            continue;
          }
          throw new UserError(
            l10n.t(
              'Could not download {0}: {1}. Check the connection to the registry and build again.',
              redactUrl(url.href),
              (e as Error).message,
            ),
          );
        }
        if (answer.status >= 300 && answer.status < 400 && answer.location && redirects++ < MAX_REDIRECTS) {
          url = new URL(answer.location, url);
          continue;
        }
        if (answer.status === 200) return answer.body;
        if (RETRYABLE.has(answer.status) && attempt++ < settings.retries) {
          await pause(500 * attempt, signal);
          continue;
        }
        throw new UserError(statusMessage(answer.status, url.href));
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function statusMessage(status: number, url: string): string {
  const shown = redactUrl(url);
  if (status === 401 || status === 403)
    return l10n.t(
      'The registry refused {0} (HTTP {1}). Log in to it (npm login, or a token in .npmrc) and build again.',
      shown,
      status,
    );
  if (status === 404)
    return l10n.t(
      'The registry has no {0} (HTTP 404): the lockfile names a version or registry that is gone. Run "npm install" in the project to update package-lock.json and build again.',
      shown,
    );
  return l10n.t('The registry answered HTTP {0} for {1}. Build again later.', status, shown);
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
