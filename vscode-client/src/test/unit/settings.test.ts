import assert from "node:assert/strict";
import { test } from "node:test";

import { changeKind, serverSettings } from "../../settings";

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
    },
  });
});

test("values the server would reject are left out", () => {
  const settings = serverSettings(
    getter({ select: [3, ""], severity: { FST201: "fatal" }, statusStyle: "roman", scope: "everything", inlayHints: "yes" }),
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
  assert.equal(changeKind(affects(["editor.fontSize"])), "none");
});
