import * as l10n from '@vscode/l10n';
import { parseLayerArn, type LayerRef } from '../aws/arn';

/** A layer version named by ARN, e.g. a public layer (AWS SDK for pandas) or one shared from another account. */
export type ArnCheck = { ok: true; arn: string; ref: LayerRef & { version: number } } | { ok: false; message: string };

const EXAMPLE = 'arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION';

/**
 * Checks what the user pasted before anything is sent to AWS: the shape of a layer version ARN, and the
 * region, because Lambda only attaches layers of the function's own region (public layers are published
 * once per region, so the fix is the same layer's ARN for that region).
 */
export function checkLayerVersionArn(input: string, functionRegion: string): ArnCheck {
  const arn = input.trim();
  if (!arn) return { ok: false, message: l10n.t('Paste a layer version ARN ({0}).', EXAMPLE) };
  const parts = arn.split(':');
  if (parts[0] === 'arn' && parts[2] === 'lambda' && parts[5] === 'function') {
    return { ok: false, message: l10n.t('This is a function ARN. Paste the ARN of a layer version ({0}).', EXAMPLE) };
  }
  if (
    parts[0] === 'arn' &&
    parts[2] === 'lambda' &&
    parts[5] === 'layer' &&
    parts[4] !== undefined &&
    !/^\d{12}$/.test(parts[4])
  ) {
    return { ok: false, message: l10n.t('The account ID in the ARN must be 12 digits, not "{0}".', parts[4]) };
  }
  const ref = parseLayerArn(arn);
  if (!ref) return { ok: false, message: l10n.t('Not a layer version ARN. Expected {0}.', EXAMPLE) };
  if (ref.version === undefined) {
    return {
      ok: false,
      message: l10n.t('This layer ARN has no version. Add the version number at the end, e.g. {0}:1.', arn),
    };
  }
  if (ref.version < 1) return { ok: false, message: l10n.t('Layer versions start at 1.') };
  if (ref.region !== functionRegion) {
    return {
      ok: false,
      message: l10n.t(
        "The layer is in {0}, but the function is in {1}. Lambda only attaches layers of the function's region: use the layer's ARN for {1}.",
        ref.region,
        functionRegion,
      ),
    };
  }
  return { ok: true, arn, ref: { ...ref, version: ref.version } };
}

/** Most recent first, without duplicates, at most `max` entries. */
export function rememberRecent(recent: readonly string[], arn: string, max = 10): string[] {
  return [arn, ...recent.filter((a) => a !== arn)].slice(0, max);
}
