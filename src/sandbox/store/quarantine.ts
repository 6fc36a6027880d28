import { promises as fs, type Dirent } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { errorMessage } from '../../util/errors';
import type { Log } from '../../util/log';

export interface QuarantinedFile {
  /** Relative to the data folder; the file now lies at the same relative path inside the quarantine folder. */
  path: string;
  reason: string;
}

const HEX_DIGEST = /[0-9a-f]{64}/g;
const BASE64_DIGEST = /[A-Za-z0-9+/]{43}=/g;

/**
 * Where damaged records go at start (`<data>/quarantine/<time>/<their relative path>`), so one bad file never
 * stops the endpoint, and what the blob collector must spare for them: the user may repair a record and move it
 * back. A blob named by any quarantined record (hex or base64 digest) is kept; a quarantined record that is not
 * even JSON may have named any blob, so while one is there no unreferenced blob is deleted.
 */
export class Quarantine {
  readonly entries: QuarantinedFile[] = [];
  /** This start's folder; created only when something is moved there. */
  readonly dir: string;
  private readonly named = new Set<string>();
  private unknownReferences = false;

  constructor(
    private readonly dataDir: string,
    readonly log: Log,
    now = new Date(),
  ) {
    this.dir = join(dataDir, 'quarantine', now.toISOString().replace(/[:.]/g, '-'));
  }

  /** Whether a blob must be kept for a quarantined record. */
  keeps(hex: string): boolean {
    return this.unknownReferences || this.named.has(hex);
  }

  /** Whether some quarantined record may point at any blob (so unreferenced blobs are all kept). */
  get keepsAll(): boolean {
    return this.unknownReferences;
  }

  /** Reads what earlier starts quarantined, to know which blobs their records name. */
  async scanEarlier(): Promise<void> {
    for (const file of await filesUnder(join(this.dataDir, 'quarantine'))) {
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      this.noteReferences(text, basename(file) !== 'counter.json');
    }
  }

  /**
   * Reads one record file and checks it with `problemOf`. A damaged one (unreadable, empty, not JSON, wrong
   * shape) is moved to the quarantine and undefined returned. `namesBlobs`: the record points at blobs.
   */
  async read<T>(
    path: string,
    problemOf: (value: unknown) => string | undefined,
    namesBlobs = true,
  ): Promise<T | undefined> {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (e) {
      await this.move(
        path,
        `it cannot be read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`,
        undefined,
        namesBlobs,
      );
      return undefined;
    }
    let value: unknown;
    try {
      value = parse(text);
    } catch (e) {
      const reason = text.length === 0 ? 'it is empty (0 bytes)' : `it is not valid JSON (${errorMessage(e)})`;
      await this.move(path, reason, text, namesBlobs);
      return undefined;
    }
    const problem = problemOf(value);
    if (problem === undefined) return value as T;
    await this.move(path, problem, text, namesBlobs);
    return undefined;
  }

  /** Ends the start's report with what to do, when anything was moved. */
  summarize(): void {
    if (this.entries.length === 0) return;
    this.log.warn(
      `${this.entries.length} damaged record(s) were moved to ${this.dir}. The endpoint runs without them: ` +
        'repair a file and move it back to the same place under the data folder (then restart the endpoint), or delete it.',
    );
  }

  private async move(path: string, reason: string, text: string | undefined, namesBlobs: boolean): Promise<void> {
    // Noted before the move: a file that cannot be moved stays in place, skipped, and its blobs must survive too.
    this.noteReferences(text, namesBlobs);
    const rel = relative(this.dataDir, path);
    this.entries.push({ path: rel, reason });
    const to = join(this.dir, rel);
    try {
      await fs.mkdir(dirname(to), { recursive: true });
      await fs.rename(path, to);
      this.log.warn(`Quarantined ${rel}: ${reason}. Moved to ${to}.`);
    } catch (e) {
      this.log.warn(
        `Skipped the damaged record ${rel} (${reason}); it could not be moved to ${to}: ${errorMessage(e)}`,
      );
    }
  }

  /** The blobs a record's text names. Text that is not JSON (or missing) may have named any blob. */
  private noteReferences(text: string | undefined, namesBlobs: boolean): void {
    if (!namesBlobs) return;
    if (!isJson(text)) this.unknownReferences = true;
    for (const hex of text?.match(HEX_DIGEST) ?? []) this.named.add(hex);
    for (const b64 of text?.match(BASE64_DIGEST) ?? []) this.named.add(Buffer.from(b64, 'base64').toString('hex'));
  }
}

/** A record's text as JSON; a byte order mark (an editor used to repair it) is fine. */
const parse = (text: string): unknown => JSON.parse(text.replace(/^\uFEFF/, ''));

function isJson(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The entries of a folder; none when it does not exist or is not a folder (the layout's place is taken by a file). */
export async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await entriesOf(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
