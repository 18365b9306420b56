// The language client's output, written through the extension's log channel so that each line
// carries one prefix. vscode-languageclient 9 writes plain lines with its own prefix
// (`[Info  - 10:42:01] message`) and the server's stderr as raw text; a LogOutputChannel would
// add its own (`[info] [Info  - 10:42:01] message`). `ClientOutput` is the OutputChannel the client
// is given: it strips the client's prefix and logs each line at the level that prefix names.
// Pure (only types from `vscode`), so the unit tests run under node's test runner.
import type * as vscode from "vscode";

export type Level = "trace" | "debug" | "info" | "warn" | "error";

/** The part of a LogOutputChannel this module writes to. */
export interface Sink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
  hide(): void;
}

const PREFIX = /^\[(Trace|Debug|Info|Warn|Error|LSP)\s*- [^\]]*\] ?/;
const LEVELS: Record<string, Level> = {
  Trace: "info", // asked for with fastapiStatus.trace.server: shown at the default log level
  LSP: "info",
  Debug: "debug",
  Info: "info",
  Warn: "warn",
  Error: "error",
};

/** The server's stderr lines that are harmless noise of its JSON-RPC library (pygls): a
 * cancellation that crossed the answer, a late answer. Logged at debug, not at info or above. */
const BENIGN_STDERR = [/^Cancel notification for unknown message id/, /^Received response to unknown message id/];

/** A line the client wrote: its level and the message without the client's prefix. */
export function parseClientLine(line: string): { level: Level; message: string } | undefined {
  const match = PREFIX.exec(line);
  if (!match) return undefined;
  return { level: LEVELS[match[1]], message: line.slice(match[0].length) };
}

export class ClientOutput implements vscode.OutputChannel {
  /** Set while the extension stops this client on purpose: the server's exit is then expected. */
  stopping = false;
  private pending = "";
  private last: Level = "info";

  constructor(
    readonly name: string,
    private readonly sink: Sink,
  ) {}

  /** The client's own messages (with its prefix) and the data that follows one (without). */
  appendLine(value: string): void {
    let line = value;
    if (this.pending) {
      if (PREFIX.test(this.pending)) {
        line = this.pending + value; // `[LSP   - time] ` then the message
        this.pending = "";
      } else {
        this.flush();
      }
    }
    const parsed = parseClientLine(line);
    if (!parsed) {
      this.write(this.last, line);
      return;
    }
    const { message } = parsed;
    let level = parsed.level;
    if (/^Server process exited with code 0\.?$/.test(message)) {
      // The client reports every exit as an error, a normal stop included.
      level = this.stopping ? "info" : "warn";
    } else if (this.stopping && /^Server process exited with signal /.test(message)) {
      level = "warn";
    }
    this.last = level;
    this.write(level, message);
  }

  /** The server's stderr (raw chunks), or the start of a trace line. */
  append(value: string): void {
    this.pending += value;
    const lines = this.pending.split(/\r?\n/);
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.stderr(line);
  }

  replace(value: string): void {
    this.append(value);
  }

  clear(): void {
    this.pending = "";
  }

  show(column?: unknown, preserveFocus?: boolean): void {
    this.sink.show(typeof column === "boolean" ? column : preserveFocus);
  }

  hide(): void {
    this.sink.hide();
  }

  dispose(): void {
    this.flush();
  }

  private flush(): void {
    if (this.pending) this.stderr(this.pending);
    this.pending = "";
  }

  private stderr(line: string): void {
    if (!line.trim()) return;
    const parsed = parseClientLine(line);
    if (parsed) {
      this.write(parsed.level, parsed.message);
      return;
    }
    // The server logs through window/logMessage; what reaches stderr is its JSON-RPC library's
    // warnings or a crash: a warning, unless it is known noise.
    this.write(BENIGN_STDERR.some((re) => re.test(line.trim())) ? "debug" : "warn", line);
  }

  private write(level: Level, message: string): void {
    this.sink[level](message);
  }
}
