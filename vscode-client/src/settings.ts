// The extension's settings (section `fastapiStatus`) as the server reads them, and a check of
// their types. Pure: no `vscode` import, so the unit tests run under node's test runner.

export const SECTION = "fastapiStatus";

/** Settings that change how the server is started: a change restarts it. */
export const LAUNCH_SETTINGS = ["importStrategy", "interpreter", "path"] as const;

/** Settings the running server takes through workspace/didChangeConfiguration (the keys of
 * server/fastapi_status/lsp/settings.py). */
export const SERVER_SETTINGS = ["select", "ignore", "severity", "statusStyle", "inlayHints", "scope", "debounce"] as const;

export type Getter = (key: string) => unknown;

export interface ServerSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  statusStyle?: string;
  inlayHints?: boolean;
  scope?: string;
  debounce?: number;
}

/** What each setting must hold: its type in package.json, and the values allowed. */
export interface Spec {
  type: "array" | "string" | "boolean" | "integer" | "object";
  /** For strings, and for the values of an object. */
  values?: readonly string[];
  /** For a list given as one string: split it into words (rule codes) or keep it whole (a path). */
  split?: boolean;
  minimum?: number;
  example: string;
}

export const SEVERITIES = ["error", "warning", "info", "hint"] as const;

export const SETTINGS: Record<string, Spec> = {
  select: { type: "array", split: true, example: '["FST1", "FST201"]' },
  ignore: { type: "array", split: true, example: '["FST204"]' },
  severity: { type: "object", values: SEVERITIES, example: '{"FST201": "error"}' },
  statusStyle: { type: "string", values: ["auto", "constant", "number"], example: '"auto"' },
  inlayHints: { type: "boolean", example: "true" },
  scope: { type: "string", values: ["openFiles", "workspace"], example: '"openFiles"' },
  debounce: { type: "integer", minimum: 0, example: "250" },
  importStrategy: { type: "string", values: ["useBundled", "fromEnvironment"], example: '"useBundled"' },
  interpreter: { type: "array", split: false, example: '["/usr/bin/python3"]' },
  path: { type: "array", split: false, example: '["/usr/local/bin/fastapi-status"]' },
  "trace.server": { type: "string", values: ["off", "messages", "verbose"], example: '"off"' },
};

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (value === null) return "null";
  const shown = JSON.stringify(value);
  return `a ${typeof value === "object" ? "object" : typeof value} (${shown && shown.length > 60 ? `${shown.slice(0, 57)}...` : shown})`;
}

function oneOf(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/**
 * A list setting's strings. A single string is accepted, as people write it: a path stays whole
 * (`"/opt/my python/bin/python"`), rule codes are split on commas and spaces (`"FST1, FST201"`).
 * Items that are not strings, and blank ones, are dropped (`settingProblems` reports them).
 */
export function stringList(value: unknown, split = false): string[] {
  const items = typeof value === "string" ? (split ? value.split(/[\s,]+/) : [value]) : Array.isArray(value) ? value : [];
  return items.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

/**
 * One message for each `fastapiStatus.*` setting whose value has the wrong type or is not one of
 * its allowed values, naming the setting, what it must be and what it is. Unset values are fine.
 */
export function settingProblems(get: Getter): string[] {
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const value = get(key);
    if (value === undefined) continue;
    const name = `${SECTION}.${key}`;
    const expected = (what: string) => problems.push(`${name} must be ${what}, e.g. ${spec.example}; it is ${describeValue(value)}.`);
    switch (spec.type) {
      case "array":
        if (typeof value === "string") break; // accepted: one item
        if (!Array.isArray(value)) expected("a list of strings");
        else if (value.some((v) => typeof v !== "string")) expected("a list of strings");
        break;
      case "string":
        if (typeof value !== "string") expected(spec.values ? `one of ${oneOf(spec.values)}` : "a string");
        else if (spec.values && !spec.values.includes(value)) expected(`one of ${oneOf(spec.values)}`);
        break;
      case "boolean":
        if (typeof value !== "boolean") expected("true or false");
        break;
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value) || value < (spec.minimum ?? -Infinity)) {
          expected(spec.minimum === 0 ? "a whole number of milliseconds (0 or more)" : "a whole number");
        }
        break;
      case "object":
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          expected(`an object of rule codes to ${oneOf(spec.values ?? [])}`);
        } else if (spec.values) {
          for (const [code, level] of Object.entries(value as Record<string, unknown>)) {
            if (typeof level !== "string" || !spec.values.includes(level)) {
              problems.push(`${name}.${code} must be one of ${oneOf(spec.values)}; it is ${describeValue(level)}.`);
            }
          }
        }
        break;
    }
  }
  return problems;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** A message for each key set under `fastapiStatus` that is no setting of the extension (a typo,
 * say), with the setting it probably means. `keys` are the section's keys (`trace` for
 * `trace.server`). */
export function unknownSettings(keys: string[]): string[] {
  const known = Object.keys(SETTINGS);
  const tops = new Set(known.map((k) => k.split(".")[0]));
  return keys
    .filter((key) => !tops.has(key))
    .map((key) => {
      const near = known
        .map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const)
        .sort((a, b) => a[1] - b[1])[0];
      const hint = near && near[1] <= Math.max(2, Math.floor(key.length / 4)) ? `; did you mean ${SECTION}.${near[0]}?` : ".";
      return `${SECTION}.${key} is not a setting of FastAPI Status${hint}`;
    });
}

function codes(value: unknown): string[] | undefined {
  const out = stringList(value, true).map((v) => v.toUpperCase());
  return out.length ? out : undefined;
}

/**
 * The `fastapiStatus` object sent as initialization options and on every configuration change.
 * Unset or empty values are left out, so the project's pyproject.toml decides: an empty `select`
 * in the settings UI means "not set", not "select nothing". Values of the wrong type are left out
 * too (the server's defaults apply; `settingProblems` says why).
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
      ([, level]) => typeof level === "string" && (SEVERITIES as readonly string[]).includes(level),
    ) as [string, string][];
    if (entries.length) out.severity = Object.fromEntries(entries.map(([code, level]) => [code.toUpperCase(), level]));
  }
  const style = get("statusStyle");
  if (typeof style === "string" && SETTINGS.statusStyle.values!.includes(style)) out.statusStyle = style;
  const hints = get("inlayHints");
  if (typeof hints === "boolean") out.inlayHints = hints;
  const scope = get("scope");
  if (typeof scope === "string" && SETTINGS.scope.values!.includes(scope)) out.scope = scope;
  const debounce = get("debounce");
  if (typeof debounce === "number" && Number.isInteger(debounce) && debounce >= 0) out.debounce = debounce;
  return { fastapiStatus: out };
}

/** Which kind of change a configuration event is for us. */
export function changeKind(affects: (key: string) => boolean): "restart" | "update" | "none" {
  if (LAUNCH_SETTINGS.some((key) => affects(`${SECTION}.${key}`))) return "restart";
  if (SERVER_SETTINGS.some((key) => affects(`${SECTION}.${key}`))) return "update";
  return "none";
}
