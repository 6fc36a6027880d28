import { invalidParameter } from './wire';

/**
 * One page of an already ordered list. The marker is opaque to clients; it carries the key of the
 * last item returned, so deletions between pages neither repeat nor skip items. No marker on the last page.
 */
export function paginate<T>(
  items: T[],
  marker: string | null,
  limit: number,
  keyOf: (item: T) => string,
  isAfter: (item: T, key: string) => boolean,
): { page: T[]; nextMarker?: string } {
  let rest = items;
  if (marker) {
    const key = decodeMarker(marker);
    rest = items.filter((i) => isAfter(i, key));
  }
  const page = rest.slice(0, limit);
  return rest.length > limit ? { page, nextMarker: encodeMarker(keyOf(page[page.length - 1])) } : { page };
}

function encodeMarker(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

function decodeMarker(marker: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through
  }
  throw invalidParameter(`Invalid marker: ${marker}`);
}
