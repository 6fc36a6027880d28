import * as l10n from '@vscode/l10n';
import { probeLayerImports, type ProbeReport } from '../invoke/probe';
import { probeLanguageOf } from '../invoke/probeLanguage';
import { UserError } from '../util/errors';
import type { Log } from '../util/log';
import type { SmokeTest } from './rollout';

/**
 * The import probe as a rollout's smoke test: every package of the version a canary moved to must import on
 * that canary's runtime and architecture, checked by the probe function in the canary's region (created or
 * reused with `role`). Canaries that share a region, version, runtime and architecture share one probe run,
 * so two canaries never race to update the same probe function.
 */
export function probeSmokeTest(role: string, log?: Log): SmokeTest {
  const runs = new Map<string, Promise<ProbeReport>>();
  return async (target, item, signal) => {
    const config = await target.session.gateway.getFunctionConfiguration(item.function);
    const runtime = config.Runtime;
    if (!runtime || !probeLanguageOf(runtime)) {
      throw new UserError(
        l10n.t(
          'The import probe checks Python and Node.js layers; {0} runs {1}. Use a test event as the smoke test instead.',
          item.function,
          runtime ?? '?',
        ),
      );
    }
    const architecture = config.Architectures?.[0] ?? 'x86_64';
    const key = `${target.key} ${item.to} ${runtime} ${architecture}`;
    let run = runs.get(key);
    if (!run) {
      run = probeLayerImports(
        { layerVersionArn: item.to, runtime, architecture },
        { gateway: target.session.gateway, role, signal, log },
      );
      runs.set(key, run);
    }
    const report = await run;
    const broken = report.rows.filter((r) => r.status === 'importFailed' || r.status === 'notInstalled');
    if (broken.length > 0) {
      throw new UserError(
        l10n.t('The import probe failed: {0}', broken.map((r) => `${r.package}: ${r.error ?? r.status}`).join('; ')),
      );
    }
  };
}
