// The FastAPI Status extension: starts the fastapi-status language server with the right Python,
// keeps its settings in sync, and offers restart, logs and fix-all. All rule logic is the server's.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { ImportStrategy, Launch, isSupported, MIN_PYTHON, parseProbe, PROBE, resolveLaunch } from "./interpreter";
import { ClientOutput } from "./log";
import { pythonEnvironments, selectedInterpreter } from "./python";
import { changeKind, SECTION, serverSettings, settingProblems, SETTINGS, stringList, unknownSettings } from "./settings";

const FIX_ALL_KIND = "source.fixAll.fastapi-status";
/** The server's command that applies a file's safe fixes and says how many it applied. */
const APPLY_FIX_ALL = "fastapi-status.applyFixAll";

let client: LanguageClient | undefined;
/** The channel each client writes to (it knows whether an exit of the server is expected). */
const outputs = new WeakMap<LanguageClient, ClientOutput>();
/** The settings problems reported last, so a warning is shown once per problem. */
let reportedSettings = new Set<string>();
let log: vscode.LogOutputChannel;
let status: vscode.LanguageStatusItem;
let extensionContext: vscode.ExtensionContext;
let queue: Promise<void> = Promise.resolve();
const shown = new Set<string>(); // problems already shown once this session

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  log = vscode.window.createOutputChannel("FastAPI Status", { log: true });
  status = vscode.languages.createLanguageStatusItem("fastapiStatus.status", { language: "python" });
  status.name = "FastAPI Status";
  status.command = { title: "Show Logs", command: "fastapiStatus.showLogs" };
  context.subscriptions.push(
    log,
    status,
    vscode.commands.registerCommand("fastapiStatus.restart", () => restart("restart requested")),
    vscode.commands.registerCommand("fastapiStatus.showLogs", () => log.show()),
    vscode.commands.registerCommand("fastapiStatus.fixAll", fixAll),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  const environments = await pythonEnvironments();
  if (environments) {
    context.subscriptions.push(
      environments.onDidChangeActiveEnvironmentPath(() => restart("the selected Python interpreter changed")),
    );
  }
  await restart("activated");
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** Start (or restart) the server; calls are queued so two restarts never overlap. */
function restart(reason: string): Promise<void> {
  queue = queue.then(async () => {
    log.info(`Starting the server: ${reason}`);
    await stop();
    checkSettings(true);
    await start();
  });
  return queue;
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    const output = outputs.get(running);
    if (output) output.stopping = true; // its exit (code 0) is no error
    try {
      await running.stop(2000);
    } catch (error) {
      log.warn(`Stopping the server: ${String(error)}`);
    }
  }
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
}

async function launchFor(): Promise<Launch> {
  const settings = config();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return resolveLaunch({
    // A string is accepted for these lists: `"fastapiStatus.interpreter": "/usr/bin/python3"`.
    path: stringList(settings.get("path")),
    interpreter: stringList(settings.get("interpreter")),
    pythonExtension: await selectedInterpreter(await pythonEnvironments(), folder),
    importStrategy: settings.get<ImportStrategy>("importStrategy") ?? "useBundled",
    bundledLibs: extensionContext.asAbsolutePath(path.join("bundled", "libs")),
    platform: process.platform,
    env: process.env,
  });
}

function setStatus(state: "starting" | "running" | "stopped" | "error", detail: string): void {
  status.busy = state === "starting";
  status.severity =
    state === "error" ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
  const icon = { starting: "$(sync~spin)", running: "$(check)", stopped: "$(circle-slash)", error: "$(error)" }[state];
  status.text = `${icon} FastAPI Status`;
  status.detail = detail;
}

async function start(): Promise<void> {
  setStatus("starting", "starting");
  const launch = await launchFor();
  log.info(`Server command: ${launch.command} ${launch.args.join(" ")} (${describe(launch)})`);
  const problem = await checkLaunch(launch);
  if (problem) {
    setStatus("error", problem.message);
    await showOnce(problem);
    return;
  }
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { env: launch.env, cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  // vscode-languageclient 9 writes plain lines with its own `[Info  - time]` prefix: through
  // ClientOutput they reach the log channel at their level, with the channel's prefix only.
  const output = new ClientOutput("FastAPI Status", log);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    traceOutputChannel: new ClientOutput("FastAPI Status", log),
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings((key) => config().get(key)),
  };
  const next = new LanguageClient("fastapiStatus", "FastAPI Status", serverOptions, clientOptions);
  outputs.set(next, output);
  next.onDidChangeState((event) => {
    if (event.newState === State.Stopped && client === next) setStatus("stopped", "the server stopped");
  });
  try {
    await next.start();
  } catch (error) {
    setStatus("error", "the server did not start");
    await showOnce({
      key: `start:${launch.command}`,
      message: `FastAPI Status: the server did not start with ${launch.command}: ${String(error)}`,
      actions: [SHOW_LOGS],
    });
    return;
  }
  client = next;
  const info = next.initializeResult?.serverInfo;
  setStatus("running", `${info?.name ?? "fastapi-status"} ${info?.version ?? ""} · ${describe(launch)}`.trim());
  log.info(`Server running: ${info?.name} ${info?.version}`);
}

function describe(launch: Launch): string {
  if (!launch.isPython) return "fastapiStatus.path";
  const from = {
    interpreter: "fastapiStatus.interpreter",
    "python-extension": "the Python extension's interpreter",
    default: "python on PATH",
    path: "fastapiStatus.path",
  }[launch.source];
  return `${launch.importStrategy === "useBundled" ? "bundled server" : "server from the environment"}, ${from}`;
}

// -- problems: said once, plainly, with the action that fixes them -----------------------------

interface Action {
  title: string;
  run: () => Thenable<unknown> | void;
}

interface Problem {
  key: string;
  message: string;
  actions: Action[];
}

const SHOW_LOGS: Action = { title: "Show Logs", run: () => log.show() };
const SELECT_INTERPRETER: Action = {
  title: "Select Interpreter",
  run: async () => {
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes("python.setInterpreter")) return vscode.commands.executeCommand("python.setInterpreter");
    return vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.interpreter`);
  },
};
const USE_BUNDLED: Action = {
  title: "Use the Bundled Server",
  run: () => config().update("importStrategy", "useBundled", vscode.ConfigurationTarget.Global),
};

function run(command: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number | string; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 20000 }, (error, stdout, stderr) => {
      const code = error ? ((error as NodeJS.ErrnoException).code ?? 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** What stops this launch from working, found before starting the server. */
async function checkLaunch(launch: Launch): Promise<Problem | undefined> {
  if (!launch.isPython) {
    const probe = await run(launch.command, ["--version"], launch.env);
    if (probe.code === "ENOENT") {
      return {
        key: `path:${launch.command}`,
        message: `FastAPI Status: ${launch.command} (fastapiStatus.path) was not found.`,
        actions: [{ title: "Open Settings", run: () => vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.path`) }],
      };
    }
    log.info(`Using ${launch.command} (fastapiStatus.path): ${probe.out.trim().split("\n")[0]}`);
    return undefined;
  }
  const version = await run(launch.command, [...launch.args.slice(0, -3), "-c", PROBE], launch.env);
  const probe = version.code === "ENOENT" ? undefined : parseProbe(version.out);
  if (!probe) {
    return {
      key: `python:${launch.command}`,
      message: `FastAPI Status needs Python ${MIN_PYTHON.join(".")} or newer, and could not run ${launch.command}.`,
      actions: [SELECT_INTERPRETER, SHOW_LOGS],
    };
  }
  const found = probe.version;
  log.info(`Using interpreter ${probe.executable ?? launch.command} (Python ${probe.fullVersion})`);
  if (!isSupported(found)) {
    return {
      key: `old:${launch.command}`,
      message: `FastAPI Status needs Python ${MIN_PYTHON.join(".")} or newer; ${launch.command} is Python ${found.join(".")}.`,
      actions: [SELECT_INTERPRETER],
    };
  }
  if (launch.importStrategy === "useBundled" && !fs.existsSync(path.join(String(launch.env.PYTHONPATH).split(path.delimiter)[0], "fastapi_status"))) {
    return {
      key: "bundle-missing",
      message: "FastAPI Status: this build of the extension has no bundled server. Use the one installed in your environment?",
      actions: [{ title: "Use the Environment's Server", run: () => config().update("importStrategy", "fromEnvironment", vscode.ConfigurationTarget.Global) }],
    };
  }
  if (launch.importStrategy === "fromEnvironment") {
    const installed = await run(launch.command, [...launch.args.slice(0, -3), "-c", "import fastapi_status"], launch.env);
    if (installed.code !== 0) {
      return {
        key: `missing:${launch.command}`,
        message: `FastAPI Status: fastapi-status is not installed for ${launch.command} (importStrategy is fromEnvironment).`,
        actions: [
          USE_BUNDLED,
          {
            title: "Install It",
            run: () => {
              const terminal = vscode.window.createTerminal("FastAPI Status");
              terminal.show();
              terminal.sendText(`"${launch.command}" -m pip install fastapi-status`);
            },
          },
        ],
      };
    }
  }
  return undefined;
}

async function showOnce(problem: Problem): Promise<void> {
  log.error(problem.message);
  if (shown.has(problem.key)) return;
  shown.add(problem.key);
  const picked = await vscode.window.showErrorMessage(problem.message, ...problem.actions.map((a) => a.title));
  await problem.actions.find((a) => a.title === picked)?.run();
}

// -- settings and commands ---------------------------------------------------------------------

function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
  const kind = changeKind((key) => event.affectsConfiguration(key));
  if (kind !== "restart" && event.affectsConfiguration(SECTION)) checkSettings(false); // (a restart checks them)
  if (kind === "restart") {
    void restart("the server settings changed");
  } else if (kind === "update" && client) {
    const settings = serverSettings((key) => config().get(key));
    log.info(`Settings changed: ${JSON.stringify(settings)}`);
    void client.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }
}

/**
 * Warns about each `fastapiStatus.*` setting of the wrong type, naming it (once per problem; all
 * of them go to the log at every start). Such a value is ignored: the setting's default applies.
 */
function checkSettings(atStart: boolean): void {
  const settings = config();
  const keys = Object.keys(settings).filter((key) => typeof (settings as unknown as Record<string, unknown>)[key] !== "function");
  const problems = [...settingProblems((key) => settings.get(key)), ...unknownSettings(keys)];
  for (const problem of problems) {
    const isNew = !reportedSettings.has(problem);
    if (atStart || isNew) log.warn(`Setting ignored: ${problem}`);
    if (!isNew) continue;
    const key = Object.keys(SETTINGS).find((k) => problem.startsWith(`${SECTION}.${k} `) || problem.startsWith(`${SECTION}.${k}.`));
    void vscode.window
      .showWarningMessage(`FastAPI Status: ${problem} The setting is ignored.`, key ? "Open Settings" : "Open Settings (JSON)")
      .then((picked) => {
        if (picked && key) void vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.${key}`);
        else if (picked) void vscode.commands.executeCommand("workbench.action.openSettingsJson");
      });
  }
  reportedSettings = new Set(problems);
}

function plural(n: number): string {
  return `${n} problem${n === 1 ? "" : "s"}`;
}

function countOurs(uri: vscode.Uri): number {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "fastapi-status").length;
}

/** Resolves when the diagnostics of `uri` change, or after `ms`. */
function diagnosticsChanged(uri: vscode.Uri, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) done();
    });
    function done() {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
  });
}

/** Whether the running server offers `command` (statically, or registered later, in which case
 * vscode-languageclient made it a VS Code command). */
async function offers(running: LanguageClient, command: string): Promise<boolean> {
  if (running.initializeResult?.capabilities.executeCommandProvider?.commands?.includes(command)) return true;
  return (await vscode.commands.getCommands(true)).includes(command);
}

/**
 * "Fix all auto-fixable problems": the server's `fastapi-status.applyFixAll` command applies the
 * file's safe fixes and says how many (as ruff-vscode's `ruff.executeAutofix`). A server without
 * that command: its `source.fixAll.fastapi-status` code action, applied here, and the count said here.
 */
async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    void vscode.window.showInformationMessage("FastAPI Status: open a Python file to fix.");
    return;
  }
  const document = editor.document;
  const running = client;
  if (!running?.isRunning()) {
    void vscode.window.showWarningMessage("FastAPI Status: the server is not running.", "Show Logs").then((picked) => {
      if (picked) log.show();
    });
    return;
  }
  if (await offers(running, APPLY_FIX_ALL)) {
    const uri = running.code2ProtocolConverter.asUri(document.uri);
    try {
      await running.sendRequest(ExecuteCommandRequest.type, {
        command: APPLY_FIX_ALL,
        arguments: [{ uri, version: document.version }],
      });
    } catch (error) {
      log.error(`${APPLY_FIX_ALL} failed: ${String(error)}`);
      void vscode.window.showErrorMessage(`FastAPI Status: fixing failed: ${String(error)}`);
    }
    return;
  }
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    "vscode.executeCodeActionProvider",
    document.uri,
    new vscode.Range(0, 0, 0, 0),
    FIX_ALL_KIND,
    1, // resolve the action: the server builds its edit only now
  );
  const action = actions?.find((a) => a.kind?.value === FIX_ALL_KIND && a.edit && a.edit.size > 0);
  if (!action?.edit) {
    void vscode.window.showInformationMessage("FastAPI Status: No fixable problems");
    return;
  }
  const before = countOurs(document.uri);
  const changed = diagnosticsChanged(document.uri, 5000);
  if (!(await vscode.workspace.applyEdit(action.edit))) {
    void vscode.window.showWarningMessage("FastAPI Status: the file changed while the fixes were built; try again.");
    return;
  }
  await changed;
  const fixed = action.diagnostics?.length || Math.max(before - countOurs(document.uri), 0);
  void vscode.window.showInformationMessage(fixed ? `FastAPI Status: Fixed ${plural(fixed)}` : "FastAPI Status: Applied the fixes");
}
