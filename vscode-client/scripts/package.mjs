// Packages the .vsix for the platform this runs on (the bundled libraries are built for it):
// fastapi-status-<target>-<version>.vsix, with `vsce package --target <target>`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const arch = { x64: "x64", arm64: "arm64" }[process.arch];
const target = `${process.platform}-${arch}`;
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const out = `fastapi-status-${target}-${version}.vsix`;
execFileSync("npx", ["vsce", "package", "--no-dependencies", "--target", target, "--out", out], { stdio: "inherit" });
console.log(out);
