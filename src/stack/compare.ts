import { promises as fs } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { parseLayerArn } from '../aws/arn';
import type { LambdaGateway } from '../aws/types';
import { UserError } from '../util/errors';
import { readLayerVersion, type StackOptions } from './analyze';
import { formatBytes } from '../util/format';
import { diffContents, type ContentsDiff, type PackageChange } from './diff';
import { zipContents, type ZipContents } from './packages';
import { readZipIndex } from './zipIndex';

/** What `diff` compares: a layer version (by ARN) or a zip on disk (a build's output). */
export type CompareOperand = { kind: 'arn'; arn: string } | { kind: 'zip'; path: string };

/** An existing file is a zip; otherwise it must be a layer version ARN. */
export async function parseOperand(text: string): Promise<CompareOperand> {
  if (
    await fs.stat(text).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return { kind: 'zip', path: text };
  if (parseLayerArn(text)?.version !== undefined) return { kind: 'arn', arn: text };
  throw new UserError(
    l10n.t(
      '"{0}" is neither a zip file nor a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION).',
      text,
    ),
  );
}

async function operandContents(
  operand: CompareOperand,
  gateway: (() => LambdaGateway) | undefined,
  options: StackOptions,
): Promise<ZipContents> {
  if (operand.kind === 'zip') {
    const index = await readZipIndex(operand.path, options.signal).catch((e: unknown) => {
      throw new UserError(l10n.t('Cannot read {0} as a zip: {1}', operand.path, (e as Error).message));
    });
    return zipContents('layer', index);
  }
  if (!gateway) throw new Error('a layer version ARN needs a connection');
  return (await readLayerVersion(gateway(), operand.arn, options)).contents;
}

export interface Comparison extends ContentsDiff {
  before: string;
  after: string;
}

export async function compareOperands(
  before: CompareOperand,
  after: CompareOperand,
  gateway: (() => LambdaGateway) | undefined,
  options: StackOptions,
): Promise<Comparison> {
  const [a, b] = [await operandContents(before, gateway, options), await operandContents(after, gateway, options)];
  return { before: labelOf(before), after: labelOf(after), ...diffContents(a, b) };
}

function labelOf(o: CompareOperand): string {
  return o.kind === 'arn' ? o.arn : o.path;
}

/** A layer moving from one version to another on some function (attach in place of another version, update, rollout). */
export interface VersionChange {
  from: string;
  to: string;
}

/** The distinct real version changes among planned moves: a first attach (no `from`) or a no-op has nothing to compare. */
export function distinctVersionChanges(moves: readonly { from?: string; to: string }[]): VersionChange[] {
  const seen = new Map<string, VersionChange>();
  for (const { from, to } of moves) {
    if (from && from !== to && !seen.has(`${from} ${to}`)) seen.set(`${from} ${to}`, { from, to });
  }
  return [...seen.values()];
}

/** What a version change brings: the two published versions compared (each zip downloaded once into the cache). */
export function compareVersionChange(
  change: VersionChange,
  gateway: () => LambdaGateway,
  options: StackOptions,
): Promise<Comparison> {
  return compareOperands({ kind: 'arn', arn: change.from }, { kind: 'arn', arn: change.to }, gateway, options);
}

const MARK: Record<PackageChange['kind'], string> = {
  added: '+',
  removed: '-',
  upgraded: '↑',
  downgraded: '↓',
  changed: '~',
  unchanged: ' ',
};

/** A comparison as text: the two sides, the unzipped size change, then one line per changed package. */
export function comparisonText(c: Comparison): string {
  const delta = (n: number) => `${n >= 0 ? '+' : '-'}${formatBytes(Math.abs(n))}`;
  const lines = [
    `${c.before} → ${c.after}`,
    l10n.t(
      'Unzipped: {0} → {1} ({2})',
      formatBytes(c.unzippedBefore),
      formatBytes(c.unzippedAfter),
      delta(c.unzippedAfter - c.unzippedBefore),
    ),
  ];
  const changed = c.changes.filter((x) => x.kind !== 'unchanged');
  if (changed.length === 0) lines.push(l10n.t('No package changed.'));
  for (const x of changed) {
    const versions = x.before && x.after ? `${x.before.version} → ${x.after.version}` : (x.after ?? x.before)!.version;
    lines.push(`  ${MARK[x.kind]} ${x.name} ${versions} (${delta(x.sizeDelta)})`);
  }
  return `${lines.join('\n')}\n`;
}
