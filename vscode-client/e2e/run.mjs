// End-to-end test in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) in headless Chromium,
// driven by playwright-core. Installs the packaged .vsix, opens a copy of examples/ and checks:
// a file edited into a syntax error keeps its finding at the line it moved to with each edit, shows
// the syntax error (FST000) after a pause and drops it once mended; the Problems panel lists the
// expected codes; the lightbulb's quick fix (FST101's, offered as unsafe) rewrites the file as
// expected; "Fix all auto-fixable problems" applies every safe fix (the same text as `check
// --fix`) and says how many; a changed setting reaches the running server; a string
// `fastapiStatus.interpreter` works and a setting of the wrong type is named in a warning; after a
// restart the log, read from the Output panel, has no error about the exit, one prefix a line, and
// names the interpreter and its version.
// Saves screenshots of a squiggle with its hover and of the quick-fix menu into images/.
//
// Usage: node e2e/run.mjs VSIX   (make test-e2e builds the .vsix first)
// Env: CODE_SERVER_PREFIX (default ~/.cache/fastapi-status-e2e/code-server), CHROMIUM (default
// /usr/bin/chromium), FASTAPI_STATUS (a fastapi-status executable for the reference fix).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const client = resolve(here, "..");
const root = resolve(client, "..");
const vsix = resolve(process.argv[2] ?? "");
if (!process.argv[2] || !existsSync(vsix)) throw new Error(`usage: node e2e/run.mjs VSIX (got ${process.argv[2]})`);

const work = join(here, ".work");
const prefix = process.env.CODE_SERVER_PREFIX ?? join(homedir(), ".cache", "fastapi-status-e2e", "code-server");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const fastapiStatus = process.env.FASTAPI_STATUS ?? join(root, ".venv", "bin", "fastapi-status");
const images = join(client, "images");

function log(message) {
  console.log(`e2e: ${message}`);
}

function installCodeServer() {
  const script = resolve(root, "..", "shared", "install-code-server");
  if (!existsSync(script)) throw new Error(`${script} is missing: cannot install code-server`);
  return execFileSync("bash", [script, prefix], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop();
}

function freePort() {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}:\n--- expected\n${expected}\n--- actual\n${actual}`);
  }
  log(`ok: ${what}`);
}

// -- set-up ------------------------------------------------------------------------------------
rmSync(work, { recursive: true, force: true });
const userData = join(work, "user-data");
const extensions = join(work, "extensions");
const workspace = join(work, "examples");
mkdirSync(join(userData, "User"), { recursive: true });
mkdirSync(images, { recursive: true });
cpSync(join(root, "examples"), workspace, { recursive: true, filter: (src) => !src.includes("__pycache__") });
// One finding (FST201, line 8) in a file of its own, for the broken-file check.
const SCRATCH = [
  "from fastapi import APIRouter",
  "",
  "router = APIRouter()",
  "",
  "",
  '@router.get("/things/{thing_id}")',
  "async def read_thing(thing_id: int):",
  '    return {"error": "Thing not found"}',
  "",
].join("\n");
writeFileSync(join(workspace, "scratch.py"), SCRATCH);
writeFileSync(
  join(userData, "User", "settings.json"),
  JSON.stringify({
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "editor.lightbulb.enabled": "on",
    "extensions.ignoreRecommendations": true,
    "telemetry.telemetryLevel": "off",
    "fastapiStatus.trace.server": "messages",
    "git.openRepositoryInParentFolders": "never",
    // Typing in the editor must not pick suggestions.
    "editor.quickSuggestions": { other: false, comments: false, strings: false },
    "editor.suggestOnTriggerCharacters": false,
    "editor.wordBasedSuggestions": "off",
    "editor.acceptSuggestionOnEnter": "off",
  }),
);
const codeServer = installCodeServer();
log(`code-server: ${codeServer}`);
execFileSync(codeServer, ["--extensions-dir", extensions, "--user-data-dir", userData, "--install-extension", vsix], {
  stdio: "inherit",
});

const port = await freePort();
const serverProcess = spawn(
  codeServer,
  [
    "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--user-data-dir", userData, "--extensions-dir", extensions, workspace,
  ],
  { detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
let serverLog = "";
serverProcess.stdout.on("data", (d) => (serverLog += d));
serverProcess.stderr.on("data", (d) => (serverLog += d));

let browser;
let failed = false;
const failures = []; // checks that failed without stopping the test
try {
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000);
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // The Output panel's text is read through the clipboard (the editor shows only the lines in view).
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: `http://127.0.0.1:${port}` });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  log("workbench loaded");

  const openFile = async (name) => {
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
  };
  const command = async (title) => {
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").first().waitFor({ timeout: 30000 });
    await page.keyboard.type(title);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: title.replace(/^.*: /, "") }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press("Enter");
  };
  // The Problems panel's entries as [file, code, line], in the order shown.
  const problems = () =>
    page.evaluate(() => {
      const rows = [...document.querySelectorAll(".markers-panel .monaco-list-row")].sort(
        (a, b) => Number(a.dataset.index) - Number(b.dataset.index),
      );
      const out = [];
      let file = "";
      for (const row of rows) {
        const text = row.textContent ?? "";
        if (row.getAttribute("aria-level") === "1") {
          file = row.querySelector(".label-name")?.textContent ?? text;
          continue;
        }
        const line = /\[Ln (\d+), Col \d+\]/.exec(text);
        const code = /FST\d{3}/.exec(text);
        if (line && code) out.push([file, code[0], Number(line[1])]);
      }
      return out;
    });
  const waitForProblems = async (what, test, ms = 30000) => {
    const deadline = Date.now() + ms;
    let seen = [];
    while (Date.now() < deadline) {
      seen = await problems();
      if (test(seen)) return seen;
      await page.waitForTimeout(200);
    }
    throw new Error(`${what}: the Problems panel shows ${JSON.stringify(seen)}`);
  };
  const scratchAt = (seen, code) => seen.filter(([file, c]) => file.startsWith("scratch.py") && c === code).map(([, , line]) => line);

  // -- a file being edited: findings move with the edits, a syntax error shows after a pause --
  await openFile("scratch.py");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+Shift+M");
  await waitForProblems("FST201 on line 8 of scratch.py", (seen) => scratchAt(seen, "FST201").join() === "8", 90000);
  log("ok: scratch.py has FST201 on line 8");
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("x = = 1"); // the file's last line, below the finding: now it does not parse
  await page.keyboard.press("Escape");
  // Each step is checked, and a failed one recorded, so that the later steps are checked too.
  const check = async (what, step) => {
    try {
      await step();
      log(`ok: ${what}`);
    } catch (error) {
      failures.push(`${what}: ${error.message}`);
      console.error(`e2e: FAILED: ${what}: ${error.message}`);
    }
  };
  const added = 3;
  for (let k = 1; k <= added; k++) {
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(`# added ${k}`);
    await page.keyboard.press("Escape");
    await check(`with the syntax error, FST201 moved to line ${8 + k} after adding ${k} line(s) above it`, () =>
      waitForProblems("FST201's line", (seen) => scratchAt(seen, "FST201").join() === String(8 + k), 15000),
    );
  }
  await check(`after a pause the syntax error shows: FST000 on line ${9 + added}`, () =>
    waitForProblems("FST000", (seen) => scratchAt(seen, "FST000").includes(9 + added)),
  );
  await page.screenshot({ path: join(work, "broken-file.png") });
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Control+Shift+K"); // mend: delete the broken line
  await check(`once mended, the syntax error is gone and FST201 is on line ${8 + added}`, () =>
    waitForProblems("FST000 gone, FST201's line", (seen) => !scratchAt(seen, "FST000").length && scratchAt(seen, "FST201").join() === String(8 + added)),
  );
  await page.keyboard.press("Control+S");
  await command("View: Close Editor");

  await openFile("shop");
  await openFile("items.py");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });

  // -- the Problems panel ------------------------------------------------------------------------
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+Shift+M");
  const expected = ["FST101", "FST102", "FST201", "FST202", "FST204"];
  await page.waitForFunction(
    (codes) => {
      const panel = document.querySelector(".markers-panel");
      return panel && codes.every((c) => panel.textContent.includes(c));
    },
    expected,
    { timeout: 90000 },
  );
  log(`ok: the Problems panel lists ${expected.join(", ")}`);

  // -- the squiggle and its hover ----------------------------------------------------------------
  const decorator = page.locator(".monaco-editor .view-line", { hasText: '@router.post("")' }).first();
  await decorator.locator("span span").first().hover();
  const hover = page.locator(".monaco-hover:visible", { hasText: "FST101" }).first();
  await hover.waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000); // let the hover finish fading in
  await page.screenshot({ path: join(images, "squiggle.png") });
  log("screenshot: images/squiggle.png");
  await page.keyboard.press("Escape");

  // -- the lightbulb's quick fix -----------------------------------------------------------------
  await decorator.click();
  await page.keyboard.press("Home");
  await page.keyboard.press("Control+.");
  // FST101's fix changes the status clients receive: it is offered, marked unsafe, not preferred.
  const offered = page.locator(".action-widget .monaco-list-row", { hasText: "Add status_code=201" }).first();
  await offered.waitFor({ timeout: 30000 });
  // Titles are plain text (the menu shows backticks as they are), and the menu offers fixing all.
  const titles = await page.locator(".action-widget .monaco-list-row").allTextContents();
  if (titles.some((t) => t.includes("`"))) throw new Error(`quick-fix titles with backticks: ${JSON.stringify(titles)}`);
  if (!titles.some((t) => /fix all/i.test(t))) throw new Error(`no "Fix all" entry in the quick-fix menu: ${JSON.stringify(titles)}`);
  log(`ok: the quick-fix menu: ${JSON.stringify(titles)}`);
  await page.screenshot({ path: join(images, "quickfix.png") });
  log("screenshot: images/quickfix.png");
  // The fix is listed first and focused: Enter picks it, as a keyboard user would.
  const focused = await page.locator(".action-widget .monaco-list-row.focused").first().textContent();
  if (!focused.includes("Add status_code=201") || !focused.includes("(FST101) [unsafe]")) {
    throw new Error(`the focused quick fix is ${focused}`);
  }
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-line", { hasText: '@router.post("", status_code=201)' }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press("Control+S");
  const original = readFileSync(join(root, "examples", "shop", "items.py"), "utf8");
  const quickFixed = original.replace('@router.post("")  # FST101', '@router.post("", status_code=201)  # FST101');
  const itemsPath = join(workspace, "shop", "items.py");
  for (let i = 0; i < 50 && readFileSync(itemsPath, "utf8") !== quickFixed; i++) await page.waitForTimeout(200);
  expectEqual(readFileSync(itemsPath, "utf8"), quickFixed, "the quick fix rewrote items.py as expected");

  // -- Fix All in File ---------------------------------------------------------------------------
  const ordersPath = join(workspace, "shop", "orders.py");
  const reference = join(work, "reference", "orders.py");
  mkdirSync(dirname(reference), { recursive: true });
  cpSync(ordersPath, reference);
  execFileSync(fastapiStatus, ["check", "--fix", "--no-cache", "--exit-zero", "--quiet", reference], { stdio: "ignore" });
  const safeFixed = readFileSync(reference, "utf8");
  if (safeFixed === readFileSync(ordersPath, "utf8")) throw new Error("orders.py has no safe fix: pick another file");
  await openFile("orders.py");
  await page.locator(".monaco-editor .view-line", { hasText: "orders" }).first().waitFor({ timeout: 30000 });
  await page.waitForFunction(() => document.querySelector(".markers-panel")?.textContent.includes("orders.py"), null, {
    timeout: 60000,
  });
  await command("FastAPI Status: Fix all auto-fixable problems");
  const fixedToast = page.locator(".notifications-toasts .notification-toast", { hasText: /Fixed \d+ problems?/ }).first();
  await fixedToast.waitFor({ timeout: 30000 });
  log(`ok: the fix-all command says ${JSON.stringify((await fixedToast.textContent()).match(/Fixed \d+ problems?/)[0])}`);
  await page.keyboard.press("Control+S");
  for (let i = 0; i < 50 && readFileSync(ordersPath, "utf8") !== safeFixed; i++) await page.waitForTimeout(200);
  expectEqual(readFileSync(ordersPath, "utf8"), safeFixed, "Fix all auto-fixable problems applied every safe fix (as check --fix does)");

  // -- a changed setting reaches the running server, without a restart -------------------------
  mkdirSync(join(workspace, ".vscode"), { recursive: true });
  writeFileSync(join(workspace, ".vscode", "settings.json"), JSON.stringify({ "fastapiStatus.ignore": ["FST202"] }));
  await page.waitForFunction(
    () => {
      const text = document.querySelector(".markers-panel")?.textContent ?? "";
      return text.includes("FST201") && !text.includes("FST202");
    },
    null,
    { timeout: 60000 },
  );
  const logs = execFileSync("grep", ["-rh", "Starting the server", join(userData, "logs")], { encoding: "utf8" });
  if (logs.trim().split("\n").length !== 1) throw new Error(`the server was restarted:\n${logs}`);
  log("ok: fastapiStatus.ignore reached the running server without a restart");

  // -- a string interpreter works; a setting of the wrong type is named ------------------------
  const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  writeFileSync(
    join(workspace, ".vscode", "settings.json"),
    JSON.stringify({
      "fastapiStatus.ignore": ["FST202"],
      "fastapiStatus.interpreter": python,
      "fastapiStatus.debounce": "fast",
      "fastapiStatus.interpeter": python,
    }),
  );
  const typo = page.locator(".notifications-toasts .notification-toast", { hasText: "fastapiStatus.interpeter" }).first();
  await typo.waitFor({ timeout: 60000 });
  if (!(await typo.textContent()).includes("did you mean fastapiStatus.interpreter")) throw new Error(`unclear message: ${await typo.textContent()}`);
  log("ok: a misspelt setting is named, with the one it probably means");
  const wrongType = page.locator(".notifications-toasts .notification-toast", { hasText: "fastapiStatus.debounce" }).first();
  await wrongType.waitFor({ timeout: 60000 });
  const wrongText = await wrongType.textContent();
  if (!wrongText.includes("whole number")) throw new Error(`unclear message about fastapiStatus.debounce: ${wrongText}`);
  log(`ok: a setting of the wrong type is named: ${wrongText.slice(0, 120)}`);
  const channelLog = () => {
    const files = execFileSync("find", [join(userData, "logs"), "-name", "*FastAPI Status.log"], { encoding: "utf8" }).trim().split("\n");
    return files.filter(Boolean).map((f) => readFileSync(f, "utf8")).join("\n");
  };
  const runningCount = () => (channelLog().match(/Server running/g) ?? []).length;
  for (let i = 0; i < 150 && runningCount() < 2; i++) await page.waitForTimeout(200);
  if (runningCount() < 2) throw new Error(`the server did not restart with "fastapiStatus.interpreter": "${python}":\n${channelLog()}`);
  await page.keyboard.press("Control+Shift+M");
  await page.waitForFunction(() => document.querySelector(".markers-panel")?.textContent.includes("FST201"), null, { timeout: 60000 });
  log(`ok: "fastapiStatus.interpreter": "${python}" (a string) runs the server, and it reports problems`);

  // -- the log after a restart: no error about the exit, one prefix a line, the interpreter ----
  await command("FastAPI Status: Restart Server");
  for (let i = 0; i < 150 && runningCount() < 3; i++) await page.waitForTimeout(200);
  if (runningCount() < 3) throw new Error(`the restart command did not restart the server:\n${channelLog()}`);
  await page.waitForTimeout(1500); // the old process's exit is logged after the new server runs
  await command("FastAPI Status: Show Logs");
  const outputEditor = page.locator(".part.panel .output-view .monaco-editor, .part.panel [id='workbench.panel.output'] .monaco-editor").first();
  await outputEditor.waitFor({ timeout: 30000 });
  // (Monaco renders spaces as no-break spaces.)
  await page.waitForFunction(() => (document.querySelector(".part.panel")?.textContent ?? "").replace(/\u00a0/g, " ").includes("Server running"), null, {
    timeout: 30000,
  });
  await outputEditor.click({ position: { x: 60, y: 12 } }); // (its centre may lie under the editor above)
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Control+C");
  let outputText = "";
  try {
    outputText = (await page.evaluate(() => navigator.clipboard.readText())).replace(/\u00a0/g, " ");
  } catch (error) {
    log(`note: the clipboard could not be read (${error}); reading the channel's log file`);
  }
  if (!outputText.includes("Server running")) {
    log("note: the Output panel's text did not come through the clipboard; reading the channel's log file");
    outputText = channelLog();
  }
  const lines = outputText.split(/\r?\n/).filter((l) => l.trim());
  const exitErrors = lines.filter((l) => /\[error\]|\[Error/.test(l) && /exited with code 0/.test(l));
  if (exitErrors.length) throw new Error(`a normal restart logged an error:\n${exitErrors.join("\n")}`);
  if (!lines.some((l) => /\[info\] Server process exited with code 0/.test(l))) {
    throw new Error(`the old server's exit is not logged at info:\n${outputText}`);
  }
  const doubled = lines.filter((l) => /\[(Trace|Debug|Info|Warn|Error|LSP)\s*- /.test(l) || /^\S+ \S+ \[\w+\] \[\w+\]/.test(l));
  if (doubled.length) throw new Error(`log lines with two prefixes:\n${doubled.slice(0, 10).join("\n")}`);
  const unprefixed = lines.filter((l) => !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(trace|debug|info|warning|error)\] /.test(l));
  if (unprefixed.length) throw new Error(`log lines without the channel's prefix:\n${unprefixed.slice(0, 10).join("\n")}`);
  const cancelAtInfo = lines.filter((l) => /\[(info|warning|error)\].*Cancel notification for unknown message id/.test(l));
  if (cancelAtInfo.length) throw new Error(`"Cancel notification for unknown message id" at info or above:\n${cancelAtInfo.join("\n")}`);
  const using = lines.filter((l) => /Using interpreter \S.* \(Python \d+\.\d+\.\d+\S*\)$/.test(l));
  if (!using.some((l) => l.includes(python))) throw new Error(`the log does not name the interpreter ${python} and its version:\n${outputText}`);
  log(`ok: after a restart the log has no error about the exit, one prefix a line (${lines.length} lines), and says: ${using.at(-1).replace(/^.*\] /, "")}`);

  // -- an interpreter too old: said once, plainly, with the action that fixes it --------------
  const oldPython = join(work, "old-python");
  writeFileSync(oldPython, '#!/bin/sh\necho "3 8"\n', { mode: 0o755 });
  mkdirSync(join(workspace, ".vscode"), { recursive: true });
  writeFileSync(join(workspace, ".vscode", "settings.json"), JSON.stringify({ "fastapiStatus.interpreter": [oldPython] }));
  await page.keyboard.press("Control+Shift+M");
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "needs Python 3.10 or newer" });
  await toast.first().waitFor({ timeout: 60000 });
  const text = await toast.first().textContent();
  if (!text.includes("is Python 3.8") || !text.includes("Select Interpreter")) throw new Error(`unclear message: ${text}`);
  await command("FastAPI Status: Restart Server");
  await page.waitForTimeout(3000);
  const count = await page.locator(".notifications-toasts .notification-toast", { hasText: "needs Python 3.10" }).count();
  if (count !== 1) throw new Error(`the message about the old interpreter was shown ${count} times`);
  log("ok: an interpreter too old is reported once, with Select Interpreter");
} catch (error) {
  failed = true;
  console.error(`e2e: FAILED: ${error.stack ?? error}`);
  try {
    const pages = browser ? browser.contexts().flatMap((c) => c.pages()) : [];
    if (pages[0]) await pages[0].screenshot({ path: join(work, "failure.png") });
    console.error(`e2e: screenshot of the failure: ${join(work, "failure.png")}`);
  } catch {
    /* no screenshot */
  }
  console.error(serverLog.slice(-3000));
} finally {
  if (browser) await browser.close();
  try {
    process.kill(-serverProcess.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
}
if (failures.length) {
  failed = true;
  console.error(`e2e: ${failures.length} check(s) failed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
}
process.exit(failed ? 1 : 0);
