// Standalone endpoint: `node dist/sandbox.js --port N --data DIR [--update-delay-ms N] [--secret-access-key S]
// [--environment-idle-ms N] [--max-environments N]`.
// Prints the endpoint URL as the first line on stdout (scripts read it) and, when it generated the secret, a
// second line to paste into a shell: `export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…`. Logs go to stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleLog } from '../util/log';
import { startSandbox } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      data: { type: 'string' },
      'update-delay-ms': { type: 'string' },
      'secret-access-key': { type: 'string' },
      'environment-idle-ms': { type: 'string' },
      'max-environments': { type: 'string' },
    },
  });
  if (!values.data) {
    process.stderr.write(
      'usage: sandbox --data DIR [--port N] [--update-delay-ms N] [--secret-access-key SECRET] [--environment-idle-ms N] [--max-environments N]\n',
    );
    process.exit(2);
  }
  const secret = values['secret-access-key'];
  if (secret !== undefined && !/^\S{8,128}$/.test(secret)) {
    process.stderr.write('error: --secret-access-key must be 8 to 128 characters without spaces\n');
    process.exit(2);
  }
  const port = Number(values.port);
  const delay = values['update-delay-ms'] === undefined ? undefined : Number(values['update-delay-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (delay !== undefined && !(delay >= 0))) {
    process.stderr.write('error: --port must be 0-65535 and --update-delay-ms a number of milliseconds\n');
    process.exit(2);
  }
  const idleMs = values['environment-idle-ms'] === undefined ? undefined : Number(values['environment-idle-ms']);
  const maxEnvironments = values['max-environments'] === undefined ? undefined : Number(values['max-environments']);
  if (
    (idleMs !== undefined && !(idleMs >= 0)) ||
    (maxEnvironments !== undefined && !(Number.isInteger(maxEnvironments) && maxEnvironments >= 1))
  ) {
    process.stderr.write(
      'error: --environment-idle-ms must be a number of milliseconds and --max-environments a whole number of 1 or more\n',
    );
    process.exit(2);
  }
  const environments = {
    ...(idleMs !== undefined && { idleMs }),
    ...(maxEnvironments !== undefined && { maxEnvironments }),
  };
  const starting = startSandbox({
    dataDir: resolve(values.data),
    port,
    updateDelayMs: delay,
    secretAccessKey: secret,
    environments,
    log: consoleLog,
  });
  // Handlers go in before the URL is printed: a supervisor may signal as soon as it reads it.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    starting
      .then((sandbox) => sandbox.close())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          consoleLog.error(e instanceof Error ? e : String(e));
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { url, credentials } = await starting;
  process.stdout.write(`${url}\n`);
  if (secret === undefined) {
    process.stdout.write(
      `export AWS_ACCESS_KEY_ID=${credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}\n`,
    );
    consoleLog.info(
      `Requests must be signed with that secret (any access key id), e.g. after the export: aws --endpoint-url ${url} lambda list-functions`,
    );
  }
}

main().catch((e: unknown) => {
  consoleLog.error(e instanceof Error ? e : String(e));
  process.exit(1);
});
