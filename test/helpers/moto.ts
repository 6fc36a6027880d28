import { CreateRoleCommand, IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { startLocalServer } from './localServer';

export interface Moto {
  /** Base URL, e.g. http://127.0.0.1:41234 — use it as the endpoint of every client. */
  url: string;
  /** Drops all state (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

const INSTALL_HINT = 'moto_server is not available. Install it with: pip install "moto[server]"';

/**
 * Starts `moto_server` on a free loopback port and waits until it answers. The account is always
 * 123456789012; any credentials are accepted. Call `close()` when done (an exit hook also kills it).
 */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<Moto> {
  const server = await startLocalServer({
    name: 'moto_server',
    command: 'moto_server',
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    readyPath: '/moto-api/',
    installHint: INSTALL_HINT,
    timeoutMs: options.timeoutMs,
  });
  return {
    ...server,
    async reset() {
      const r = await fetch(`${server.url}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
    },
  };
}

/**
 * Creates an IAM role on moto (CreateFunction there needs an existing role) and returns its ARN. With
 * `credentials`, in the account those credentials act in.
 */
export async function motoRole(
  url: string,
  name: string,
  credentials: IAMClientConfig['credentials'] = { accessKeyId: 'a', secretAccessKey: 'b' },
): Promise<string> {
  const iam = new IAMClient({ region: 'us-east-1', endpoint: url, credentials });
  try {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
    );
    return created.Role!.Arn!;
  } finally {
    iam.destroy();
  }
}
