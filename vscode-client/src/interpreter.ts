// How the server is started: which executable, which arguments, which environment. Pure: the
// facts (settings, the Python extension's choice, the platform) come in as arguments.

export type ImportStrategy = "useBundled" | "fromEnvironment";

export interface LaunchInputs {
  /** `fastapiStatus.path`: a fastapi-status executable (and leading arguments). */
  path: string[];
  /** `fastapiStatus.interpreter`: a Python interpreter (and leading arguments). */
  interpreter: string[];
  /** The interpreter the Python extension selected for the workspace, if any. */
  pythonExtension?: string[];
  importStrategy: ImportStrategy;
  /** The folder holding the bundled server and its dependencies. */
  bundledLibs: string;
  platform: NodeJS.Platform;
  /** The environment the extension host runs with. */
  env: Record<string, string | undefined>;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Where the interpreter came from, for the logs and for messages. */
  source: "path" | "interpreter" | "python-extension" | "default";
  /** False when `command` is a fastapi-status executable, not an interpreter. */
  isPython: boolean;
  importStrategy: ImportStrategy;
}

export const MIN_PYTHON: [number, number] = [3, 10];

function clean(values: string[] | undefined): string[] {
  return (values ?? []).filter((v) => typeof v === "string" && v.trim() !== "");
}

export function defaultPython(platform: NodeJS.Platform): string {
  return platform === "win32" ? "python" : "python3";
}

/** Prepend the bundled libraries to PYTHONPATH (they win over the environment's packages). */
export function bundledEnv(
  env: Record<string, string | undefined>,
  libs: string,
  platform: NodeJS.Platform,
): Record<string, string | undefined> {
  const sep = platform === "win32" ? ";" : ":";
  const existing = env.PYTHONPATH;
  return { ...env, PYTHONPATH: existing ? `${libs}${sep}${existing}` : libs, PYTHONNOUSERSITE: "1" };
}

export function resolveLaunch(inputs: LaunchInputs): Launch {
  const path = clean(inputs.path);
  if (path.length) {
    return {
      command: path[0],
      args: [...path.slice(1), "lsp"],
      env: { ...inputs.env },
      source: "path",
      isPython: false,
      importStrategy: "fromEnvironment",
    };
  }
  const configured = clean(inputs.interpreter);
  const fromExtension = clean(inputs.pythonExtension);
  const [interpreter, source]: [string[], Launch["source"]] = configured.length
    ? [configured, "interpreter"]
    : fromExtension.length
      ? [fromExtension, "python-extension"]
      : [[defaultPython(inputs.platform)], "default"];
  const env =
    inputs.importStrategy === "useBundled"
      ? bundledEnv(inputs.env, inputs.bundledLibs, inputs.platform)
      : { ...inputs.env };
  return {
    command: interpreter[0],
    args: [...interpreter.slice(1), "-m", "fastapi_status", "lsp"],
    env,
    source,
    isPython: true,
    importStrategy: inputs.importStrategy,
  };
}

/** The code run with the interpreter before the server starts: its path, then its version as
 * `3 12` (what `parseVersion` reads) and in full (`3.12.4`). */
export const PROBE = "import sys; print(sys.executable); print(*sys.version_info[:2]); print(sys.version.split()[0])";

export interface Probe {
  /** `sys.executable`, or undefined when the interpreter did not say. */
  executable?: string;
  version: [number, number];
  /** `3.12.4`, or `3.12` when only the short version was printed. */
  fullVersion: string;
}

/** Parses the output of `PROBE`; undefined when it does not hold a Python version. */
export function parseProbe(output: string): Probe | undefined {
  const version = parseVersion(output);
  if (!version) return undefined;
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const full = lines.find((l) => /^\d+\.\d+(\.\d+)?\S*$/.test(l));
  const executable = lines.find((l) => !/^\d+\s+\d+$/.test(l) && l !== full && /[\\/]/.test(l));
  return { executable, version, fullVersion: full ?? version.join(".") };
}

/** Parses the output of `python -c "import sys; print(sys.version_info[0], sys.version_info[1])"`. */
export function parseVersion(output: string): [number, number] | undefined {
  const match = /^\s*(\d+)\s+(\d+)\s*$/m.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function isSupported(version: [number, number]): boolean {
  return version[0] > MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] >= MIN_PYTHON[1]);
}
