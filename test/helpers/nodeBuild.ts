import { join } from 'node:path';
import { buildLayer, type BuildOptions } from '../../src/layer/build';
import { silentLog } from '../../src/util/log';

/** A Node.js layer build of `sourcePath` for nodejs22.x into `out/` beside it; its log lines are pushed to `lines`. */
export function buildNodeLayer(
  sourcePath: string,
  architecture: string,
  options: BuildOptions,
  lines: string[] = [],
  layerName = 'nodelayer',
) {
  const push = (m: string) => void lines.push(m);
  return buildLayer(
    { sourcePath, runtime: 'nodejs22.x', architecture, layerName, outDir: join(sourcePath, '..', 'out'), options },
    { log: { ...silentLog, info: push, warn: push, debug: push } },
  );
}
