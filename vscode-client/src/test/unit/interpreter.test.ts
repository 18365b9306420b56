import assert from "node:assert/strict";
import { test } from "node:test";

import { isSupported, LaunchInputs, parseProbe, parseVersion, resolveLaunch } from "../../interpreter";

const base: LaunchInputs = {
  path: [],
  interpreter: [],
  importStrategy: "useBundled",
  bundledLibs: "/ext/bundled/libs",
  platform: "linux",
  env: { PATH: "/usr/bin" },
};

test("without any choice: python3 on PATH with the bundled server", () => {
  const launch = resolveLaunch(base);
  assert.equal(launch.command, "python3");
  assert.deepEqual(launch.args, ["-m", "fastapi_status", "lsp"]);
  assert.equal(launch.source, "default");
  assert.equal(launch.env.PYTHONPATH, "/ext/bundled/libs");
  assert.equal(launch.env.PATH, "/usr/bin");
});

test("on Windows the fallback is python", () => {
  assert.equal(resolveLaunch({ ...base, platform: "win32" }).command, "python");
});

test("the Python extension's interpreter beats the fallback", () => {
  const launch = resolveLaunch({ ...base, pythonExtension: ["/proj/.venv/bin/python"] });
  assert.equal(launch.command, "/proj/.venv/bin/python");
  assert.equal(launch.source, "python-extension");
});

test("fastapiStatus.interpreter beats the Python extension, and keeps its arguments", () => {
  const launch = resolveLaunch({ ...base, interpreter: ["/opt/py", "-X", "utf8"], pythonExtension: ["/proj/.venv/bin/python"] });
  assert.equal(launch.command, "/opt/py");
  assert.deepEqual(launch.args, ["-X", "utf8", "-m", "fastapi_status", "lsp"]);
  assert.equal(launch.source, "interpreter");
});

test("fastapiStatus.path runs an executable as `<path> lsp`, without the bundle", () => {
  const launch = resolveLaunch({ ...base, path: ["/usr/local/bin/fastapi-status"], interpreter: ["/opt/py"] });
  assert.equal(launch.command, "/usr/local/bin/fastapi-status");
  assert.deepEqual(launch.args, ["lsp"]);
  assert.equal(launch.isPython, false);
  assert.equal(launch.env.PYTHONPATH, undefined);
});

test("empty strings in the settings count as unset", () => {
  assert.equal(resolveLaunch({ ...base, path: [""], interpreter: ["  "] }).command, "python3");
});

test("fromEnvironment leaves PYTHONPATH alone; useBundled puts the bundle first", () => {
  const env = { PYTHONPATH: "/mine" };
  assert.equal(resolveLaunch({ ...base, env, importStrategy: "fromEnvironment" }).env.PYTHONPATH, "/mine");
  assert.equal(resolveLaunch({ ...base, env }).env.PYTHONPATH, "/ext/bundled/libs:/mine");
  assert.equal(resolveLaunch({ ...base, env, platform: "win32" }).env.PYTHONPATH, "/ext/bundled/libs;/mine");
});

test("Python versions", () => {
  assert.deepEqual(parseVersion("3 12\n"), [3, 12]);
  assert.equal(parseVersion("Python was not found; run without arguments to install"), undefined);
  assert.equal(isSupported([3, 10]), true);
  assert.equal(isSupported([3, 9]), false);
  assert.equal(isSupported([4, 0]), true);
});

test("the probe names the interpreter and its full version", () => {
  assert.deepEqual(parseProbe("/usr/bin/python3.12\n3 12\n3.12.4\n"), {
    executable: "/usr/bin/python3.12",
    version: [3, 12],
    fullVersion: "3.12.4",
  });
  assert.deepEqual(parseProbe("C:\\Python313\\python.exe\r\n3 13\r\n3.13.0rc1\r\n")?.fullVersion, "3.13.0rc1");
  assert.equal(parseProbe("C:\\Python313\\python.exe\r\n3 13\r\n3.13.0rc1\r\n")?.executable, "C:\\Python313\\python.exe");
  // An interpreter that prints only the short version (or a wrapper script) still counts.
  assert.deepEqual(parseProbe("3 8\n"), { executable: undefined, version: [3, 8], fullVersion: "3.8" });
  assert.equal(parseProbe("python3: command not found"), undefined);
});
