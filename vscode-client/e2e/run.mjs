// End-to-end test in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) in headless Chromium,
// driven by playwright-core. Installs the packaged .vsix, opens a copy of examples/ and checks:
// the Problems panel lists the expected codes; the lightbulb's quick fix (FST101's, offered as unsafe) rewrites the
// file as expected; "Fix All in File" applies every safe fix (the same text as `check --fix`).
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
try {
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000);
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  log("workbench loaded");

  const openFile = async (name) => {
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
  };
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
  const offered = page.locator(".action-widget .monaco-list-row", { hasText: "Add `status_code=201`" }).first();
  await offered.waitFor({ timeout: 30000 });
  await page.screenshot({ path: join(images, "quickfix.png") });
  log("screenshot: images/quickfix.png");
  // The fix is listed first and focused: Enter picks it, as a keyboard user would.
  const focused = await page.locator(".action-widget .monaco-list-row.focused").first().textContent();
  if (!focused.includes("Add `status_code=201`") || !focused.includes("(FST101) [unsafe]")) {
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
  await page.keyboard.press("F1");
  await page.keyboard.type("FastAPI Status: Fix All in File");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Fix All in File" }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press("Enter");
  await page.waitForTimeout(1500);
  await page.keyboard.press("Control+S");
  for (let i = 0; i < 50 && readFileSync(ordersPath, "utf8") !== safeFixed; i++) await page.waitForTimeout(200);
  expectEqual(readFileSync(ordersPath, "utf8"), safeFixed, "Fix All in File applied every safe fix (as check --fix does)");

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

  // -- an interpreter too old: said once, plainly, with the action that fixes it --------------
  const oldPython = join(work, "old-python");
  writeFileSync(oldPython, '#!/bin/sh\necho "3 8"\n', { mode: 0o755 });
  mkdirSync(join(workspace, ".vscode"), { recursive: true });
  writeFileSync(join(workspace, ".vscode", "settings.json"), JSON.stringify({ "fastapiStatus.interpreter": [oldPython] }));
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "needs Python 3.10 or newer" });
  await toast.first().waitFor({ timeout: 60000 });
  const text = await toast.first().textContent();
  if (!text.includes("is Python 3.8") || !text.includes("Select Interpreter")) throw new Error(`unclear message: ${text}`);
  await page.keyboard.press("F1");
  await page.keyboard.type("FastAPI Status: Restart Server");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Restart Server" }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press("Enter");
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
process.exit(failed ? 1 : 0);
