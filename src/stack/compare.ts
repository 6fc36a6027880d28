import { promises as fs } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { parseLayerArn } from '../aws/arn';
import type { LambdaGateway } from '../aws/types';
import { UserError } from '../util/errors';
import { readLayerVersion, type StackOptions } from './analyze';
import { diffContents, type ContentsDiff } from './diff';
import { zipContents, type ZipContents } from './packages';
import { readZipIndex } from './zipIndex';

/** What `diff` compares: a layer version (by ARN) or a zip on disk (a build's output). */
export type CompareOperand = { kind: 'arn'; arn: string } | { kind: 'zip'; path: string };

/** An existing file is a zip; otherwise it must be a layer version ARN. */
export async function parseOperand(text: string): Promise<CompareOperand> {
  if (await fs.stat(text).then((s) => s.isFile(), () => false)) return { kind: 'zip', path: text };
  if (parseLayerArn(text)?.version !== undefined) return { kind: 'arn', arn: text };
  throw new UserError(l10n.t('"{0}" is neither a zip file nor a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION).', text));
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
