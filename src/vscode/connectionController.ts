import * as vscode from 'vscode';
import { AwsClientFactory, type ClientFactoryOptions, type CredentialsProvider } from '../aws/clientFactory';
import {
  hasAnyCredentials,
  localConnection,
  resolveConnection,
  type ConnectionSettings,
  type ProfileKind,
} from '../aws/connection';
import { classifyAwsError, toUserError, type ErrorContext } from '../aws/errors';
import { SdkLambdaGateway } from '../aws/lambdaGateway';
import type { LambdaGateway } from '../aws/types';
import type { SandboxCredentials } from '../sandbox/auth/credentials';
import { quarantineNotice } from '../sandbox/quarantineNotice';
import type { Sandbox } from '../sandbox/server';
import { UserError, errorMessage } from '../util/errors';
import type { Log } from '../util/log';
import { readConnectionSettings, type ConnectionSettingValues } from './settings';

/** Mirrored in the `lambdaLayers.connectionState` context key (the welcome views key on it). */
export type ConnectionState = 'connecting' | 'ready' | 'noCredentials' | 'expired' | 'failed';

/** A live connection: what it points at and the clients that talk to it. Replaced as a whole on change. */
export interface Connection {
  readonly settings: ConnectionSettings;
  readonly isLocal: boolean;
  /** Profile name for AWS (undefined = the SDK's default chain); undefined for local. */
  readonly profile?: string;
  readonly profileKind?: ProfileKind;
  /** Every SDK client (Lambda, S3, IAM) for this connection. */
  readonly clients: AwsClientFactory;
  readonly lambda: LambdaGateway;
  /** How `clients` was made, so the fleet's clients for other regions are made the same way. */
  readonly clientOptions: ClientFactoryOptions;
}

interface RunningSandbox {
  url: string;
  requestedPort: number;
  /** The endpoint's generated keys: only the extension's own clients know them. */
  credentials: SandboxCredentials;
  close(): Promise<void>;
}

const DEFAULT_REGION = 'us-east-1';

/**
 * Turns the `lambdaLayers.*` settings into a live connection: resolves profile/region/endpoint, starts
 * (or stops) the in-process local endpoint, makes the clients, and keeps the context keys current.
 * `connect()` calls run one after another, so the last one always reflects the latest settings.
 */
export class ConnectionController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the state or the connection changes. */
  readonly onDidChange = this.changed.event;
  private currentState: ConnectionState = 'connecting';
  private currentProblem?: string;
  private active?: Connection;
  private sandbox?: RunningSandbox;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly sandboxDataDir: string,
    private readonly log: Log,
    private readonly userAgent: string,
  ) {}

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Why the state is `failed` or `expired`, written for the user. */
  get problem(): string | undefined {
    return this.currentProblem;
  }

  get current(): Connection | undefined {
    return this.active;
  }

  /** The live connection, or a `UserError` that says how to get one. */
  require(): Connection {
    if (this.active) return this.active;
    switch (this.currentState) {
      case 'connecting':
        throw new UserError(vscode.l10n.t('Still connecting. Try again in a moment.'));
      case 'noCredentials':
        throw new UserError(
          vscode.l10n.t('No AWS credentials were found. Select a profile, or use the local endpoint.'),
        );
      case 'ready': // not reached: `active` is set whenever the state is ready
      case 'expired':
      case 'failed':
        throw new UserError(this.currentProblem ?? vscode.l10n.t('Not connected. Check the connection settings.'));
    }
  }

  /** Context for `toUserError`, so credential messages name the right fix. */
  errorContext(): ErrorContext {
    return this.active ? { connection: this.active.settings, profileKind: this.active.profileKind } : {};
  }

  /** Resolves once every `connect()` asked for so far has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** (Re)connects with the current settings. Never throws: failures become the `failed` state. */
  connect(): Promise<void> {
    this.queue = this.queue.then(() => this.connectNow());
    return this.queue;
  }

  /**
   * Called when a call over the live connection failed. Credential failures move to `noCredentials`
   * or `expired`, so the views show their sign-in welcome; other failures change nothing.
   */
  reportFailure(error: unknown): void {
    if (!this.active || this.active.isLocal) return;
    const kind = classifyAwsError(error);
    if (kind !== 'credentials' && kind !== 'expired') return;
    const noneFound =
      (error as { name?: string })?.name === 'CredentialsProviderError' && this.active.profileKind !== 'sso';
    this.setState(noneFound ? 'noCredentials' : 'expired', toUserError(error, this.errorContext()).message);
  }

  private async connectNow(): Promise<void> {
    const values = readConnectionSettings();
    this.setState('connecting');
    this.replace(undefined);
    try {
      const next = await this.resolve(values);
      if (!next) {
        this.setState('noCredentials');
        return;
      }
      this.replace(next);
      const where = next.isLocal ? next.settings.endpoint : (next.profile ?? 'default credential chain');
      this.log.info(`Connected: ${next.settings.kind} ${where} @ ${next.settings.region}`);
      this.setState('ready');
    } catch (e) {
      const error = e instanceof UserError ? e : toUserError(e, {});
      this.log.error(`Could not connect: ${error.message}`, e);
      this.setState('failed', error.message);
    }
  }

  private async resolve(values: ConnectionSettingValues): Promise<Connection | undefined> {
    const local =
      values.mode === 'local' || (values.mode === 'auto' && !values.profile && !(await hasAnyCredentials()));
    if (local) return this.resolveLocal(values);
    await this.stopSandbox();
    const resolved = await resolveConnection({
      profile: values.profile,
      region: values.region,
      endpoint: values.endpoint,
    });
    const hasCredentials = resolved.profile ? resolved.profileInfo?.kind !== 'none' : await hasAnyCredentials();
    if (!hasCredentials) return undefined;
    if (!resolved.region)
      this.log.warn(`No region configured (setting, profile or AWS_REGION); using ${DEFAULT_REGION}.`);
    const settings: ConnectionSettings = { kind: 'aws', region: resolved.region ?? DEFAULT_REGION };
    if (resolved.profile) settings.profile = resolved.profile;
    if (resolved.endpoint) settings.endpoint = resolved.endpoint;
    return this.makeConnection(settings, resolved.profileInfo?.kind);
  }

  /**
   * The extension's own endpoint signs with its generated keys; an external one (moto, LocalStack, a
   * standalone sandbox) with the selected profile's keys, else the AWS_* environment keys, else placeholders.
   */
  private async resolveLocal(values: ConnectionSettingValues): Promise<Connection> {
    const region = values.region ?? DEFAULT_REGION;
    if (values.endpoint) {
      await this.stopSandbox();
      return this.makeConnection({
        ...localConnection(values.endpoint, region),
        ...(values.profile ? { profile: values.profile } : {}),
      });
    }
    const own = await this.ensureSandbox(values.localPort);
    return this.makeConnection(localConnection(own.url, region), undefined, own.credentials);
  }

  private makeConnection(
    settings: ConnectionSettings,
    profileKind?: ProfileKind,
    credentials?: CredentialsProvider,
  ): Connection {
    const clientOptions: ClientFactoryOptions = { userAgent: this.userAgent, ...(credentials ? { credentials } : {}) };
    const clients = new AwsClientFactory(settings, clientOptions);
    return {
      clientOptions,
      settings,
      isLocal: settings.kind === 'local',
      profile: settings.kind === 'aws' ? settings.profile : undefined,
      profileKind,
      clients,
      lambda: new SdkLambdaGateway(clients.lambda, settings.region, settings.endpoint),
    };
  }

  /** Starts the in-process endpoint, or keeps the running one when it already listens where asked. */
  private async ensureSandbox(port: number): Promise<RunningSandbox> {
    if (this.sandbox?.requestedPort === port) return this.sandbox;
    await this.stopSandbox();
    try {
      // Loaded here, not at activation: most sessions never start the local endpoint.
      const { startSandbox } = await import('../sandbox/server');
      const handle = await startSandbox({ dataDir: this.sandboxDataDir, port, log: this.log });
      this.sandbox = {
        url: handle.url,
        requestedPort: port,
        credentials: handle.credentials,
        close: () => handle.close(),
      };
      this.warnAboutQuarantine(handle);
      return this.sandbox;
    } catch (e) {
      throw new UserError(
        vscode.l10n.t('Could not start the local endpoint on port {0}: {1}', port, errorMessage(e)),
        e instanceof Error ? e.stack : undefined,
      );
    }
  }

  /** Damaged records the start set aside: one warning, with a way to the folder that holds them. */
  private warnAboutQuarantine(sandbox: Sandbox): void {
    const notice = quarantineNotice(sandbox.quarantined, sandbox.quarantineDir);
    if (!notice) return;
    const open = vscode.l10n.t('Open Folder');
    void vscode.window.showWarningMessage(notice, open).then((choice) => {
      if (choice === open)
        void vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(sandbox.quarantineDir), {
          forceNewWindow: true,
        });
    });
  }

  private async stopSandbox(): Promise<void> {
    const running = this.sandbox;
    this.sandbox = undefined;
    if (running)
      await running.close().catch((e: unknown) => this.log.warn(`Stopping the local endpoint: ${errorMessage(e)}`));
  }

  private replace(next: Connection | undefined): void {
    this.active?.clients.dispose();
    this.active = next;
    void vscode.commands.executeCommand('setContext', 'lambdaLayers.isLocal', next?.isLocal ?? false);
    this.changed.fire();
  }

  private setState(state: ConnectionState, problem?: string): void {
    this.currentState = state;
    this.currentProblem = problem;
    void vscode.commands.executeCommand('setContext', 'lambdaLayers.connectionState', state);
    this.changed.fire();
  }

  /** Closes the clients and the local endpoint; awaited by `deactivate`. */
  async shutdown(): Promise<void> {
    this.replace(undefined);
    await this.stopSandbox();
  }

  dispose(): void {
    void this.shutdown();
    this.changed.dispose();
  }
}
