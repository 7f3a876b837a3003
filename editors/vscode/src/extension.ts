// Specgate for VS Code: starts `specgate lsp` and wires its findings, go to
// requirement, hovers, quick fixes and the Endpoint Inventory into the editor.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type * as lsp from 'vscode-languageclient';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SECTION = 'specgate';
const INVENTORY_SCHEME = 'specgate-inventory';
const INVENTORY_URI = vscode.Uri.parse(`${INVENTORY_SCHEME}:/Endpoint%20Inventory.md`);

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let watcher: vscode.FileSystemWatcher;
let inventoryText = '';
const inventoryChanged = new vscode.EventEmitter<vscode.Uri>();

/** Where the server binary was found, and how (for messages). */
export interface ServerBinary {
  command: string;
  origin: 'setting' | 'bundled' | 'PATH';
}

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The setting, else the binary bundled for this platform, else `specgate` on PATH. */
export function findServer(extensionPath: string): ServerBinary | { error: string } {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', '').trim();
  if (configured) {
    const p = configured.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
    const abs = path.isAbsolute(p)
      ? p
      : path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), p);
    return isExecutable(abs)
      ? { command: abs, origin: 'setting' }
      : { error: `The setting specgate.server.path points to "${configured}", which is not an executable file.` };
  }
  const bundled = path.join(extensionPath, 'bin', `${process.platform}-${process.arch}`, exe('specgate'));
  if (isExecutable(bundled)) {
    return { command: bundled, origin: 'bundled' };
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, exe('specgate')))) {
      return { command: path.join(dir, exe('specgate')), origin: 'PATH' };
    }
  }
  return {
    error:
      `No Specgate server found: this extension bundles none for ${process.platform}-${process.arch}, ` +
      'and there is no `specgate` on PATH. Install it (`cargo install --path server` in the Specgate ' +
      'repository, or a release binary) or set specgate.server.path.',
  };
}

/** Settings as the server reads them (initializationOptions, didChangeConfiguration). */
export function serverSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const settings: Record<string, unknown> = {};
  const rules = cfg.get<Record<string, string>>('rules', {});
  if (rules && Object.keys(rules).length > 0) {
    settings.severities = rules;
  }
  const mode = cfg.get<string>('releaseMode', 'auto');
  if (mode === 'mvp' || mode === 'full') {
    settings.releaseMode = mode;
  }
  const debounce = cfg.get<number | null>('debounceMs', null);
  if (typeof debounce === 'number') {
    settings.debounceMs = debounce;
  }
  return settings;
}

function setStatus(text: string, tooltip: string, error = false) {
  status.text = text;
  status.tooltip = tooltip;
  status.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  status.show();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer(context.extensionPath);
  if ('error' in found) {
    setStatus('$(error) Specgate', found.error, true);
    output.appendLine(found.error);
    const choice = await vscode.window.showErrorMessage(found.error, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'specgate.server.path');
    } else if (choice === 'Show Output') {
      output.show(true);
    }
    return;
  }
  output.appendLine(`Starting ${found.command} lsp (from ${found.origin})`);
  const serverOptions: ServerOptions = {
    command: found.command,
    // No `transport`: with TransportKind.stdio the client would append `--stdio`.
    args: ['lsp'],
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const documentSelector = ['yaml', 'json', 'jsonc', 'markdown', 'sql'].map((language) => ({
    scheme: 'file',
    language,
  }));
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    initializationOptions: serverSettings(),
    synchronize: {
      // Files changed outside the editor (git pull, another tool) reach the server.
      fileEvents: watcher,
    },
    middleware: {
      // The server's answer to `workspace/configuration` for section
      // "specgate" is the same object as initializationOptions.
      workspace: {
        configuration: (params, token, next) =>
          params.items.some((item) => item.section === SECTION)
            ? params.items.map((item) => (item.section === SECTION ? serverSettings() : null))
            : next(params, token),
      },
    },
  };
  client = new LanguageClient('specgate', 'Specgate', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('$(check) Specgate', `Specgate language server running (${found.command})`);
    } else if (e.newState === State.Starting) {
      setStatus('$(sync~spin) Specgate', 'Specgate language server starting');
    } else {
      setStatus('$(error) Specgate', 'Specgate language server stopped. Run "Specgate: Restart Server".', true);
    }
  });
  setStatus('$(sync~spin) Specgate', 'Specgate language server starting');
  try {
    await client.start();
  } catch (e) {
    const msg = `Specgate: the server (${found.command} lsp) failed to start: ${e instanceof Error ? e.message : e}`;
    output.appendLine(msg);
    setStatus('$(error) Specgate', msg, true);
    void vscode.window.showErrorMessage(msg, 'Show Output').then((c) => c && output.show(true));
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`stop: ${e instanceof Error ? e.message : e}`);
    }
  }
}

async function showInventory(): Promise<void> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('Specgate: the language server is not running.', 'Show Output')
      .then((c) => c && output.show(true));
    return;
  }
  let result: unknown;
  try {
    result = await client.sendRequest(ExecuteCommandRequest.type, { command: 'specgate.inventory', arguments: [] });
  } catch (e) {
    void vscode.window.showErrorMessage(`Specgate: inventory failed: ${e instanceof Error ? e.message : e}`);
    return;
  }
  if (typeof result !== 'string') {
    void vscode.window.showErrorMessage('Specgate: the server returned no Endpoint Inventory (expected Markdown).');
    return;
  }
  inventoryText = result;
  inventoryChanged.fire(INVENTORY_URI);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', INVENTORY_URI);
  } catch {
    // No Markdown preview (extension disabled): show the Markdown text itself.
    const doc = await vscode.workspace.openTextDocument(INVENTORY_URI);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

/** "Specgate: Open Design Review": the server writes the review page, and
 *  it opens in a webview beside the editor (with its script: sorting and
 *  filtering). A browser is not asked to open the file, since in a remote
 *  or code-server window it would not reach the server's disk. */
let reviewPanel: vscode.WebviewPanel | undefined;
async function openDesignReview(): Promise<void> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('Specgate: the language server is not running.', 'Show Output')
      .then((c) => c && output.show(true));
    return;
  }
  const doc = vscode.window.activeTextEditor?.document.uri.toString();
  let result: unknown;
  try {
    result = await client.sendRequest(ExecuteCommandRequest.type, {
      command: 'specgate.report',
      arguments: [doc ?? null, { open: false }],
    });
  } catch (e) {
    void vscode.window.showErrorMessage(`Specgate: design review failed: ${e instanceof Error ? e.message : e}`);
    return;
  }
  if (typeof result !== 'string') {
    void vscode.window.showErrorMessage('Specgate: the server wrote no design review.');
    return;
  }
  const file = vscode.Uri.parse(result);
  output.appendLine(`Design review: ${file.fsPath}`);
  const html = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  if (!reviewPanel) {
    reviewPanel = vscode.window.createWebviewPanel('specgate.designReview', 'Design Review',
      vscode.ViewColumn.Beside, { enableScripts: true, enableFindWidget: true });
    reviewPanel.onDidDispose(() => { reviewPanel = undefined; });
  }
  reviewPanel.webview.html = html;
  reviewPanel.reveal(vscode.ViewColumn.Beside);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Specgate');
  status = vscode.window.createStatusBarItem('specgate.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Specgate';
  status.command = 'specgate.showOutput';
  watcher = vscode.workspace.createFileSystemWatcher('**/*.{md,yaml,yml,json,sql,csv,toml}');
  context.subscriptions.push(
    output,
    status,
    watcher,
    inventoryChanged,
    vscode.workspace.registerTextDocumentContentProvider(INVENTORY_SCHEME, {
      onDidChange: inventoryChanged.event,
      provideTextDocumentContent: () => inventoryText,
    }),
    vscode.commands.registerCommand('specgate.showInventory', showInventory),
    vscode.commands.registerCommand('specgate.openDesignReview', openDesignReview),
    // Code lenses ("3 operations trace FR-001") carry the server's locations
    // in LSP JSON: [uri, position, locations]; show them in the peek view.
    vscode.commands.registerCommand('specgate.showReferences', (uri: string, position: lsp.Position, locations: lsp.Location[]) => {
      const conv = client?.protocol2CodeConverter;
      if (!conv) {
        return;
      }
      return vscode.commands.executeCommand(
        'editor.action.showReferences',
        vscode.Uri.parse(uri),
        conv.asPosition(position),
        (locations ?? []).map((l) => conv.asLocation(l)),
      );
    }),
    vscode.commands.registerCommand('specgate.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('specgate.restartServer', async () => {
      output.appendLine('Restarting the server');
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) {
        return;
      }
      if (e.affectsConfiguration(`${SECTION}.server.path`)) {
        await stopClient();
        await startClient(context);
      } else if (client?.isRunning()) {
        await client.sendNotification('workspace/didChangeConfiguration', {
          settings: { [SECTION]: serverSettings() },
        });
      }
    }),
    { dispose: () => void stopClient() },
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
