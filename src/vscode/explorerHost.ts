import * as vscode from 'vscode';
import { ExplorerModel } from '../model/explorerModel';
import type { ModelChange } from '../model/nodes';
import type { Log } from '../util/log';
import type { Connection, ConnectionController } from './connectionController';

/**
 * Owns the explorer model of the live connection: a new model per connection (the model is bound to
 * one gateway), events forwarded from whichever model is current, and credential failures reported
 * back to the connection so the views can show their sign-in welcome.
 */
export class ExplorerHost implements vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<ModelChange>();
  /** Changes of the current model; a swap of the model fires `layers`, `functions` and `state`. */
  readonly onDidChange = this.changes.event;
  private current?: { connection: Connection; model: ExplorerModel; subscription: { dispose(): void } };
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly connection: ConnectionController,
    private readonly log: Log,
  ) {
    this.subscription = connection.onDidChange(() => this.sync());
    this.sync();
  }

  /** The model of the live connection; undefined while not connected. */
  get model(): ExplorerModel | undefined {
    return this.current?.model;
  }

  /** Starts the first load of the current model (views call this when they are first shown). */
  ensureLoaded(): void {
    if (this.model?.state.status === 'idle') void this.model.load();
  }

  /** Reloads everything; reconnects first when the last attempt failed (e.g. after `aws sso login`). */
  async refresh(signal?: AbortSignal): Promise<void> {
    await this.connection.settled();
    if (this.connection.state !== 'ready') await this.connection.connect();
    await this.model?.refresh(signal);
  }

  /** Re-reads one layer's versions after a change to it (publish, delete). */
  refreshLayer(name: string, signal?: AbortSignal): Promise<void> {
    return this.model?.refreshLayer(name, signal) ?? Promise.resolve();
  }

  /** Re-reads one function after a change to it (attach, detach, update). */
  refreshFunction(name: string, signal?: AbortSignal): Promise<void> {
    return this.model?.refreshFunction(name, signal) ?? Promise.resolve();
  }

  private sync(): void {
    const live = this.connection.current;
    if (live === this.current?.connection) return;
    this.disposeModel();
    if (live) {
      const model = new ExplorerModel(live.lambda, { log: this.log });
      const subscription = model.onDidChange((change) => this.onModelChange(model, change));
      this.current = { connection: live, model, subscription };
    }
    for (const kind of ['state', 'layers', 'functions'] as const) this.changes.fire({ kind });
  }

  private onModelChange(model: ExplorerModel, change: ModelChange): void {
    if (change.kind === 'state' && model.state.status === 'error') {
      const { error } = model.state;
      this.log.error('Loading the explorer failed', error);
      // Credential problems switch the views to their welcome content instead of an error node.
      this.connection.reportFailure(error);
    }
    this.changes.fire(change);
  }

  private disposeModel(): void {
    this.current?.subscription.dispose();
    this.current?.model.dispose();
    this.current = undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.disposeModel();
    this.changes.dispose();
  }
}
