// The extension's settings (section `fastapiStatus`) as the server reads them. Pure: no `vscode`
// import, so the unit tests run under node's test runner.

export const SECTION = "fastapiStatus";

/** Settings that change how the server is started: a change restarts it. */
export const LAUNCH_SETTINGS = ["importStrategy", "interpreter", "path"] as const;

/** Settings the running server takes through workspace/didChangeConfiguration. */
export const SERVER_SETTINGS = ["select", "ignore", "severity", "statusStyle", "inlayHints", "scope"] as const;

export type Getter = (key: string) => unknown;

export interface ServerSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  statusStyle?: string;
  inlayHints?: boolean;
  scope?: string;
}

const SEVERITIES = new Set(["error", "warning", "info", "hint"]);
const STATUS_STYLES = new Set(["auto", "constant", "number"]);
const SCOPES = new Set(["openFiles", "workspace"]);

function codes(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim().toUpperCase());
  return out.length ? out : undefined;
}

/**
 * The `fastapiStatus` object sent as initialization options and on every configuration change.
 * Unset or empty values are left out, so the project's pyproject.toml decides: an empty `select`
 * in the settings UI means "not set", not "select nothing".
 */
export function serverSettings(get: Getter): { fastapiStatus: ServerSettings } {
  const out: ServerSettings = {};
  const select = codes(get("select"));
  if (select) out.select = select;
  const ignore = codes(get("ignore"));
  if (ignore) out.ignore = ignore;
  const severity = get("severity");
  if (severity && typeof severity === "object" && !Array.isArray(severity)) {
    const entries = Object.entries(severity as Record<string, unknown>).filter(
      ([, level]) => typeof level === "string" && SEVERITIES.has(level),
    ) as [string, string][];
    if (entries.length) out.severity = Object.fromEntries(entries.map(([code, level]) => [code.toUpperCase(), level]));
  }
  const style = get("statusStyle");
  if (typeof style === "string" && STATUS_STYLES.has(style)) out.statusStyle = style;
  const hints = get("inlayHints");
  if (typeof hints === "boolean") out.inlayHints = hints;
  const scope = get("scope");
  if (typeof scope === "string" && SCOPES.has(scope)) out.scope = scope;
  return { fastapiStatus: out };
}

/** Which kind of change a configuration event is for us. */
export function changeKind(affects: (key: string) => boolean): "restart" | "update" | "none" {
  if (LAUNCH_SETTINGS.some((key) => affects(`${SECTION}.${key}`))) return "restart";
  if (SERVER_SETTINGS.some((key) => affects(`${SECTION}.${key}`))) return "update";
  return "none";
}
