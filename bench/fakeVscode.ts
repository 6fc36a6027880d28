/**
 * A stand-in for the `vscode` module with just what `activate()` of dist/extension.js touches (and the
 * connection that follows it): registries that record, an EventEmitter that really fires, settings from
 * a plain object. Reading any other member throws and is recorded in `missing`, so a new dependency of
 * activation fails the benchmark instead of being measured as free.
 */
import * as path from 'node:path';

export interface FakeVscode {
  readonly api: Record<string, unknown>;
  /** Members activation read that the fake does not implement. */
  readonly missing: string[];
  readonly commands: Map<string, (...args: unknown[]) => unknown>;
  readonly contextKeys: Map<string, unknown>;
  readonly logLines: string[];
}

type Listener = (value: unknown) => void;

export function createFakeVscode(settings: Record<string, unknown>): FakeVscode {
  const missing: string[] = [];
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const contextKeys = new Map<string, unknown>();
  const logLines: string[] = [];

  const strict = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === 'symbol' || key in t || key === 'then' || key === 'toJSON' || key === '__esModule')
          return Reflect.get(t, key, receiver);
        missing.push(`${name}.${key}`);
        throw new Error(`fake vscode: ${name}.${key} is not implemented`);
      },
    });

  class Disposable {
    constructor(private readonly onDispose: () => void) {}
    static from(...items: { dispose(): unknown }[]): Disposable {
      return new Disposable(() => items.forEach((i) => i.dispose()));
    }
    dispose(): void {
      this.onDispose();
    }
  }

  class EventEmitter {
    private listeners = new Set<Listener>();
    readonly event = (listener: Listener, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
      const bound: Listener = (v) => listener.call(thisArg, v);
      this.listeners.add(bound);
      const d = new Disposable(() => this.listeners.delete(bound));
      disposables?.push(d);
      return d;
    };
    fire(value?: unknown): void {
      for (const l of [...this.listeners]) l(value);
    }
    dispose(): void {
      this.listeners.clear();
    }
  }
  const noEvent = () => new EventEmitter().event;

  class Uri {
    private constructor(
      readonly scheme: string,
      readonly fsPath: string,
    ) {}
    get path(): string {
      return this.fsPath;
    }
    static file(p: string): Uri {
      return new Uri('file', path.resolve(p));
    }
    static joinPath(base: Uri, ...parts: string[]): Uri {
      return new Uri(base.scheme, path.join(base.fsPath, ...parts));
    }
    toString(): string {
      return `${this.scheme}://${this.fsPath}`;
    }
  }

  const logChannel = (name: string) => {
    const write =
      (level: string) =>
      (message: unknown, ...rest: unknown[]) =>
        logLines.push(`[${name}] ${level} ${String(message)}${rest.length ? ` ${rest.map(String).join(' ')}` : ''}`);
    return strict('LogOutputChannel', {
      name,
      logLevel: 2,
      onDidChangeLogLevel: noEvent(),
      trace: write('trace'),
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      append: write('append'),
      appendLine: write('appendLine'),
      replace: write('replace'),
      clear: () => undefined,
      show: () => undefined,
      hide: () => undefined,
      dispose: () => undefined,
    });
  };

  const config = (section: string) =>
    strict('WorkspaceConfiguration', {
      get: (key: string, fallback?: unknown) => settings[`${section}.${key}`] ?? fallback,
      has: (key: string) => `${section}.${key}` in settings,
      inspect: (key: string) => ({ key: `${section}.${key}`, globalValue: settings[`${section}.${key}`] }),
      update: async (key: string, value: unknown) => {
        settings[`${section}.${key}`] = value;
      },
    });

  const window = strict('window', {
    createOutputChannel: (name: string) => logChannel(name),
    createStatusBarItem: (id: string, alignment?: number, priority?: number) =>
      strict('StatusBarItem', {
        id,
        alignment,
        priority,
        name: undefined as string | undefined,
        text: '',
        tooltip: undefined as unknown,
        command: undefined as unknown,
        backgroundColor: undefined as unknown,
        show: () => undefined,
        hide: () => undefined,
        dispose: () => undefined,
      }),
    createTreeView: (id: string, options: unknown) =>
      strict('TreeView', {
        id,
        options,
        visible: false,
        selection: [] as unknown[],
        message: undefined as string | undefined,
        title: undefined as string | undefined,
        description: undefined as string | undefined,
        badge: undefined as unknown,
        onDidChangeVisibility: noEvent(),
        onDidChangeSelection: noEvent(),
        onDidExpandElement: noEvent(),
        onDidCollapseElement: noEvent(),
        reveal: async () => undefined,
        dispose: () => undefined,
      }),
    // The walkthrough offer of a first activation: dismissed.
    showInformationMessage: async () => undefined,
    // The views' progress bars: VS Code would show it until the task settles.
    withProgress: async (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) =>
      task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: noEvent() }),
  });

  const workspace = strict('workspace', {
    getConfiguration: (section: string) => config(section),
    onDidChangeConfiguration: noEvent(),
    createFileSystemWatcher: () =>
      strict('FileSystemWatcher', {
        onDidCreate: noEvent(),
        onDidChange: noEvent(),
        onDidDelete: noEvent(),
        dispose: () => undefined,
      }),
    registerFileSystemProvider: () => new Disposable(() => undefined),
    workspaceFolders: undefined,
    isTrusted: true,
  });

  const api = {
    Disposable,
    EventEmitter,
    Uri,
    TreeItem: class TreeItem {
      constructor(
        public label: unknown,
        public collapsibleState?: number,
      ) {}
    },
    ThemeIcon: class ThemeIcon {
      constructor(
        readonly id: string,
        readonly color?: unknown,
      ) {}
    },
    ThemeColor: class ThemeColor {
      constructor(readonly id: string) {}
    },
    MarkdownString: class MarkdownString {
      constructor(public value = '') {}
    },
    RelativePattern: class RelativePattern {
      constructor(
        readonly base: unknown,
        readonly pattern: string,
      ) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    l10n: strict('l10n', {
      bundle: undefined,
      uri: undefined,
      t: (message: string, ...args: unknown[]) =>
        message.replace(/\{(\d+)\}/g, (m, i: string) => (i in args ? String(args[Number(i)]) : m)),
    }),
    commands: strict('commands', {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        commands.set(id, handler);
        return new Disposable(() => commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') contextKeys.set(String(args[0]), args[1]);
        else return commands.get(id)?.(...args);
      },
    }),
    window,
    workspace,
    env: strict('env', { language: 'en', appName: 'fake', uiKind: 1 }),
  };
  return { api: strict('vscode', api), missing, commands, contextKeys, logLines };
}
