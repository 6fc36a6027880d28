import { version as toolVersion } from '../../package.json';

/** Lambda's limit on a layer version's description. */
const MAX_DESCRIPTION = 256;
/** Hex digits of the zip's SHA-256 kept in the marker: enough to tell builds apart at a glance. */
const HASH_DIGITS = 16;
const MARKER = /\s*\[lambda-layers sha256:([0-9a-f]{8,64}) v([0-9A-Za-z.+-]{1,32})\]$/;

export interface ContentMarker {
  /** The first hex digits of the zip's SHA-256. */
  sha256: string;
  toolVersion: string;
  /** The description without the marker. */
  text: string;
}

/**
 * The description with a short machine-readable suffix, `… [lambda-layers sha256:0123456789abcdef v0.1.0]`,
 * so any tool listing versions (ListLayerVersions has no CodeSha256) can tell which build a version holds.
 * The text is shortened to keep the whole within Lambda's 256 characters; an old marker is replaced.
 */
export function withMarker(description: string, sha256Hex: string, version: string = toolVersion): string {
  const suffix = `[lambda-layers sha256:${sha256Hex.slice(0, HASH_DIGITS).toLowerCase()} v${version}]`;
  const text = stripMarker(description).trim();
  if (!text) return suffix;
  const room = MAX_DESCRIPTION - suffix.length - 1;
  const kept = text.length <= room ? text : `${text.slice(0, room - 1).trimEnd()}…`;
  return `${kept} ${suffix}`;
}

export function parseMarker(description: string | undefined): ContentMarker | undefined {
  const m = description ? MARKER.exec(description) : null;
  if (!m || description === undefined) return undefined;
  return { sha256: m[1], toolVersion: m[2], text: description.slice(0, m.index) };
}

/** The description without its marker: what the user wrote or the build summarised. */
export function descriptionText(description: string): string {
  return stripMarker(description).trim();
}

function stripMarker(description: string): string {
  return parseMarker(description)?.text ?? description;
}
