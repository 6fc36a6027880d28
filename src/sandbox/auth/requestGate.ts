// What a web page can make a browser send to 127.0.0.1 (a "simple" cross-origin POST, a form post, a
// DNS-rebound name resolving to 127.0.0.1) is refused here, before the signature is even read: the
// endpoint runs code, so nothing a page sends may reach it, and it sends no CORS headers for a page to
// read an answer with.
import { ApiError } from '../wire';
import { headerValues, type ReceivedRequest } from './sigv4';

const refused = (message: string) => new ApiError(403, 'AccessDeniedException', message);

/** The names a client may use for the endpoint: its loopback address and `localhost`, with its port. */
function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Throws `AccessDeniedException` for a request a browser sent or one addressed to another host name. */
export function checkNotFromBrowser(req: ReceivedRequest, port: number): void {
  const hosts = headerValues(req.rawHeaders, 'host');
  const allowed = allowedHosts(port);
  if (hosts.length !== 1 || !allowed.includes(hosts[0].toLowerCase())) {
    throw refused(`This endpoint answers requests for ${allowed.join(' or ')} only, not Host '${hosts.join(', ')}'.`);
  }
  if (req.method === 'OPTIONS')
    throw refused('This endpoint does not answer CORS preflight requests: web pages cannot call it.');
  const origin = headerValues(req.rawHeaders, 'origin');
  if (origin.length > 0)
    throw refused(`This endpoint does not answer requests from web pages (Origin: ${origin.join(', ')}).`);
  const site = headerValues(req.rawHeaders, 'sec-fetch-site');
  if (site.some((s) => s.trim().toLowerCase() !== 'none')) {
    throw refused(`This endpoint does not answer requests from web pages (Sec-Fetch-Site: ${site.join(', ')}).`);
  }
}
