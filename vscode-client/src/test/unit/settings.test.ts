import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { changeKind, SECTION, SERVER_SETTINGS, serverSettings, settingProblems, SETTINGS, stringList, unknownSettings } from "../../settings";

// The tests run from vscode-client/ (npm test).
const packageJson = JSON.parse(readFileSync("package.json", "utf8"));
const contributed: Record<string, { type: string; enum?: string[]; default?: unknown; additionalProperties?: { enum?: string[] } }> =
  packageJson.contributes.configuration.properties;

function getter(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

test("defaults send nothing, so pyproject.toml decides", () => {
  assert.deepEqual(
    serverSettings(getter({ select: [], ignore: [], severity: {}, statusStyle: undefined })),
    { fastapiStatus: {} },
  );
});

test("every server setting is mapped", () => {
  const settings = serverSettings(
    getter({
      select: ["fst1", " FST201 "],
      ignore: ["FST104"],
      severity: { fst201: "error", FST101: "hint" },
      statusStyle: "constant",
      inlayHints: false,
      scope: "workspace",
      debounce: 400,
    }),
  );
  assert.deepEqual(settings, {
    fastapiStatus: {
      select: ["FST1", "FST201"],
      ignore: ["FST104"],
      severity: { FST201: "error", FST101: "hint" },
      statusStyle: "constant",
      inlayHints: false,
      scope: "workspace",
      debounce: 400,
    },
  });
});

test("values the server would reject are left out", () => {
  const settings = serverSettings(
    getter({ select: [3, ""], severity: { FST201: "fatal" }, statusStyle: "roman", scope: "everything", inlayHints: "yes", debounce: -1 }),
  );
  assert.deepEqual(settings, { fastapiStatus: {} });
});

test("launch settings restart the server, the others update it", () => {
  const affects = (changed: string[]) => (key: string) => changed.some((c) => c === key || c.startsWith(`${key}.`));
  assert.equal(changeKind(affects(["fastapiStatus.interpreter"])), "restart");
  assert.equal(changeKind(affects(["fastapiStatus.importStrategy"])), "restart");
  assert.equal(changeKind(affects(["fastapiStatus.path"])), "restart");
  assert.equal(changeKind(affects(["fastapiStatus.select"])), "update");
  assert.equal(changeKind(affects(["fastapiStatus.severity"])), "update");
  assert.equal(changeKind(affects(["fastapiStatus.debounce"])), "update");
  assert.equal(changeKind(affects(["editor.fontSize"])), "none");
});

test("a string is accepted for a list setting: a path whole, rule codes split", () => {
  assert.deepEqual(stringList("/opt/my python/bin/python"), ["/opt/my python/bin/python"]);
  assert.deepEqual(stringList(["/usr/bin/python3", "-X", "utf8"]), ["/usr/bin/python3", "-X", "utf8"]);
  assert.deepEqual(stringList("  "), []);
  assert.deepEqual(stringList(42), []);
  assert.deepEqual(serverSettings(getter({ select: "FST1, fst201", ignore: "FST204" })).fastapiStatus, {
    select: ["FST1", "FST201"],
    ignore: ["FST204"],
  });
  assert.deepEqual(settingProblems(getter({ interpreter: "/usr/bin/python3", path: "/bin/fastapi-status", select: "FST1" })), []);
});

test("the defaults, and values of the right type, are no problem", () => {
  const defaults = Object.fromEntries(Object.entries(contributed).map(([key, spec]) => [key.slice(SECTION.length + 1), spec.default]));
  assert.deepEqual(settingProblems(getter(defaults)), []);
  assert.deepEqual(settingProblems(getter({})), []);
});

test("every setting of the wrong type is reported, naming it and what it must be", () => {
  const problems = settingProblems(
    getter({
      interpreter: 3,
      path: { exe: "x" },
      select: ["FST1", 2],
      severity: { FST201: "fatal" },
      statusStyle: "roman",
      inlayHints: "yes",
      scope: true,
      debounce: "fast",
      importStrategy: "bundled",
      "trace.server": 1,
    }),
  );
  const expectations: [string, string][] = [
    ["fastapiStatus.interpreter ", "must be a list of strings, e.g. [\"/usr/bin/python3\"]; it is a number (3)"],
    ["fastapiStatus.path ", "must be a list of strings"],
    ["fastapiStatus.select ", "must be a list of strings"],
    ["fastapiStatus.severity.FST201 ", 'must be one of "error", "warning", "info", "hint"; it is a string ("fatal")'],
    ["fastapiStatus.statusStyle ", 'must be one of "auto", "constant", "number"'],
    ["fastapiStatus.inlayHints ", "must be true or false"],
    ["fastapiStatus.scope ", 'must be one of "openFiles", "workspace"'],
    ["fastapiStatus.debounce ", "must be a whole number of milliseconds (0 or more)"],
    ["fastapiStatus.importStrategy ", 'must be one of "useBundled", "fromEnvironment"'],
    ["fastapiStatus.trace.server ", "must be one of"],
  ];
  assert.equal(problems.length, expectations.length, problems.join("\n"));
  for (const [name, text] of expectations) {
    const found = problems.find((p) => p.startsWith(name));
    assert.ok(found, `no problem reported for ${name}: ${problems.join("\n")}`);
    assert.ok(found.includes(text), `${found} does not say ${text}`);
  }
  assert.match(settingProblems(getter({ severity: ["FST201"] }))[0], /^fastapiStatus\.severity must be an object/);
  assert.match(settingProblems(getter({ debounce: 2.5 }))[0], /^fastapiStatus\.debounce must be/);
});

test("package.json contributes exactly the settings checked here, with the same types and values", () => {
  assert.deepEqual(
    Object.keys(contributed).sort(),
    Object.keys(SETTINGS).map((k) => `${SECTION}.${k}`).sort(),
  );
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const declared = contributed[`${SECTION}.${key}`];
    assert.equal(declared.type, spec.type, key);
    const values = spec.type === "object" ? declared.additionalProperties?.enum : declared.enum;
    assert.deepEqual(values, spec.values ? [...spec.values] : undefined, key);
  }
  assert.equal(packageJson.contributes.configuration.title, "FastAPI Status");
  assert.equal(packageJson.displayName, "FastAPI Status");
  for (const command of packageJson.contributes.commands) assert.equal(command.category, "FastAPI Status", command.command);
});

test("every key the server reads is a setting the extension contributes and sends", () => {
  const source = join("..", "server", "fastapi_status", "lsp", "settings.py");
  if (!existsSync(source)) return; // (the extension built outside the repository)
  const text = readFileSync(source, "utf8");
  // Its list of keys (`KNOWN = frozenset({...})`), else the keys it reads one by one.
  const known = /KNOWN\s*=\s*frozenset\(\{([^}]*)\}\)/.exec(text);
  const keys = new Set(
    known
      ? [...known[1].matchAll(/"([A-Za-z.]+)"/g)].map((m) => m[1])
      : [...text.matchAll(/(?:\.get\(|\[|codes\(|choice\(|boolean\(|milliseconds\()\s*(?:section,\s*)?"([A-Za-z]+)"/g)].map((m) => m[1]),
  );
  keys.delete("fastapiStatus");
  assert.ok(keys.size > 0, "no keys found in server/fastapi_status/lsp/settings.py: update this test");
  for (const key of keys) {
    assert.ok((SERVER_SETTINGS as readonly string[]).includes(key), `the server reads fastapiStatus.${key}, the extension does not send it`);
  }
});

test("a key that is no setting is named, with the setting it probably means", () => {
  assert.deepEqual(unknownSettings(["select", "trace", "debounce", "interpeter", "banana"]), [
    "fastapiStatus.interpeter is not a setting of FastAPI Status; did you mean fastapiStatus.interpreter?",
    "fastapiStatus.banana is not a setting of FastAPI Status.",
  ]);
});
