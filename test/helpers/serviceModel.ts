// The Lambda service model (botocore's service-2.json, shipped with the AWS CLI), found on this machine.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ServiceModel } from './conformance';

const RELATIVE = join('data', 'lambda', '2015-03-31', 'service-2.json');

/** Where a botocore data tree may be: the Python botocore (AWS CLI v1, boto3) and the AWS CLI v2 bundle. */
function candidateRoots(): string[] {
  const roots: string[] = [];
  for (const python of ['python3', 'python']) {
    try {
      const out = execFileSync(python, ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      roots.push(out.trim());
      break;
    } catch {
      // not this interpreter, or no botocore in it
    }
  }
  try {
    const aws = execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
    // AWS CLI v2: <install>/v2/<version>/bin/aws -> <install>/v2/<version>/dist/aws, models in dist/awscli/botocore.
    roots.push(
      join(dirname(realpathSync(aws)), 'awscli', 'botocore'),
      join(dirname(realpathSync(aws)), '..', 'dist', 'awscli', 'botocore'),
    );
  } catch {
    // no aws on PATH
  }
  return roots;
}

/**
 * The model's path: `LAMBDA_SERVICE_MODEL` when set, else botocore's (plain or gzipped, as botocore 1.3x+ ships it).
 * Throws, saying what was tried, when there is none: the conformance suite must not pass without it.
 */
export function findLambdaModel(): string {
  const explicit = process.env.LAMBDA_SERVICE_MODEL;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`LAMBDA_SERVICE_MODEL=${explicit} does not exist.`);
    return explicit;
  }
  const tried: string[] = [];
  for (const root of candidateRoots()) {
    for (const file of [join(root, RELATIVE), join(root, `${RELATIVE}.gz`)]) {
      tried.push(file);
      if (existsSync(file)) return file;
    }
  }
  throw new Error(
    `The Lambda service model (botocore ${RELATIVE}) was not found; tried: ${tried.join(', ') || 'no python3 with botocore and no aws on PATH'}. ` +
      'Install the AWS CLI (pip install awscli) or set LAMBDA_SERVICE_MODEL to the file.',
  );
}

export function loadLambdaModel(path = findLambdaModel()): ServiceModel {
  const raw = readFileSync(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as ServiceModel;
}
