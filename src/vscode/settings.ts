import * as vscode from 'vscode';

export type ConnectionMode = 'auto' | 'aws' | 'local';

/** The `lambdaLayers.*` settings that decide the connection. Empty strings are normalised to undefined. */
export interface ConnectionSettingValues {
  mode: ConnectionMode;
  profile?: string;
  region?: string;
  endpoint?: string;
  localPort: number;
}

const SECTION = 'lambdaLayers';
const CONNECTION_KEYS = ['connection', 'profile', 'region', 'endpoint', 'localEndpoint.port'];

/** Reads the connection settings. */
export function readConnectionSettings(): ConnectionSettingValues {
  const config = vscode.workspace.getConfiguration(SECTION);
  const mode = config.get<string>('connection');
  return {
    mode: mode === 'aws' || mode === 'local' ? mode : 'auto',
    profile: nonEmpty(config.get<string>('profile')),
    region: nonEmpty(config.get<string>('region')),
    endpoint: nonEmpty(config.get<string>('endpoint')),
    localPort: config.get<number>('localEndpoint.port') ?? 0,
  };
}

export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return CONNECTION_KEYS.some((key) => e.affectsConfiguration(`${SECTION}.${key}`));
}

/**
 * Writes a setting where it takes effect: the workspace value when the workspace overrides the
 * user value (writing the user value would change nothing), else the user value.
 */
export async function updateSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const overridden = config.inspect(key)?.workspaceValue !== undefined;
  await config.update(
    key,
    value,
    overridden ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
  );
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}
