import assert from "node:assert/strict";
import { test } from "node:test";

import { ClientOutput, Level, parseClientLine, Sink } from "../../log";

function sink(): Sink & { lines: [Level, string][] } {
  const lines: [Level, string][] = [];
  const at = (level: Level) => (message: string) => void lines.push([level, message]);
  return { lines, trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), show() {}, hide() {} };
}

test("the client's prefix is stripped and names the level", () => {
  assert.deepEqual(parseClientLine("[Info  - 10:42:01 AM] fastapi-status 0.1.0 started"), {
    level: "info",
    message: "fastapi-status 0.1.0 started",
  });
  assert.deepEqual(parseClientLine("[Error - 10:42:01] boom"), { level: "error", message: "boom" });
  assert.deepEqual(parseClientLine("[Warn  - 10:42:01] careful"), { level: "warn", message: "careful" });
  assert.equal(parseClientLine("Traceback (most recent call last):"), undefined);
});

test("each line reaches the log once, at its level, with no second prefix", () => {
  const out = sink();
  const channel = new ClientOutput("FastAPI Status", out);
  channel.appendLine("[Info  - 10:42:01] started");
  channel.appendLine("[Error - 10:42:02] Request textDocument/hover failed.");
  channel.appendLine("Error: something\n    at x"); // the data that follows a message: same level
  channel.appendLine("[Trace - 10:42:03] Sending request 'initialize - (0)'.");
  channel.append("[LSP   - 10:42:04] ");
  channel.appendLine('{"isLSPMessage":true}');
  assert.deepEqual(out.lines, [
    ["info", "started"],
    ["error", "Request textDocument/hover failed."],
    ["error", "Error: something\n    at x"],
    ["info", "Sending request 'initialize - (0)'."],
    ["info", '{"isLSPMessage":true}'],
  ]);
  assert.ok(out.lines.every(([, m]) => !/\[(Info|Error|Trace|LSP)\s*-/.test(m)));
});

test("a normal stop's exit is no error; an unexpected exit is", () => {
  const out = sink();
  const channel = new ClientOutput("FastAPI Status", out);
  channel.appendLine("[Error - 10:42:01] Server process exited with code 0.");
  channel.appendLine("[Error - 10:42:01] Server process exited with code 1.");
  channel.stopping = true;
  channel.appendLine("[Error - 10:42:02] Server process exited with code 0.");
  assert.deepEqual(out.lines, [
    ["warn", "Server process exited with code 0."],
    ["error", "Server process exited with code 1."],
    ["info", "Server process exited with code 0."],
  ]);
});

test("the server's stderr: lines as they complete, warnings, its library's noise at debug", () => {
  const out = sink();
  const channel = new ClientOutput("FastAPI Status", out);
  channel.append('Cancel notification for unknown message id "12"\nTraceback (most');
  channel.append(" recent call last):\n");
  channel.append("  partial");
  channel.dispose();
  assert.deepEqual(out.lines, [
    ["debug", 'Cancel notification for unknown message id "12"'],
    ["warn", "Traceback (most recent call last):"],
    ["warn", "  partial"],
  ]);
});
