"""Put the server and its dependencies into bundled/libs, for the .vsix (importStrategy
useBundled): the user needs only a Python >= 3.10 interpreter.

Wheels are downloaded for every supported CPython version, for the platform this runs on
(libcst and PyYAML carry a compiled module per version; the files have distinct names, so one
folder serves every version), then unpacked into one folder that the extension puts first on
PYTHONPATH. Usage: python3 scripts/bundle_python.py [--python-versions 3.10,3.11,...]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # vscode-client/
PROJECT = HERE.parent
LIBS = HERE / "bundled" / "libs"
VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
# Needed only below Python 3.11; pip resolves markers for the Python it runs on, so name them.
BACKPORTS = ("tomli>=2.0.0", "exceptiongroup>=1.1.1")


def platforms() -> list[str]:
    system, machine = sys.platform, platform.machine().lower()
    if system.startswith("linux"):
        arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[machine]
        return [f"manylinux_2_28_{arch}", f"manylinux_2_17_{arch}", f"manylinux2014_{arch}"]
    if system == "darwin":
        arch = "arm64" if machine == "arm64" else "x86_64"
        return [f"macosx_11_0_{arch}", f"macosx_10_13_{arch}", f"macosx_10_9_{arch}", "macosx_11_0_universal2",
                "macosx_10_9_universal2"]
    if system == "win32":
        return ["win_amd64"] if machine in ("amd64", "x86_64") else ["win_arm64"]
    raise SystemExit(f"unsupported platform {system}/{machine}")


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python-versions", default=",".join(VERSIONS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp)
        pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels / "project"), str(PROJECT))
        (project_wheel,) = (wheels / "project").glob("fastapi_status-*.whl")
        plat_args = [a for p in platforms() for a in ("--platform", p)]
        for version in args.python_versions.split(","):
            print(f"bundle: wheels for CPython {version}", flush=True)
            pip("download", "--quiet", "--only-binary=:all:", "--implementation", "cp", "--python-version", version,
                *plat_args, "--dest", str(wheels / version), str(project_wheel), *BACKPORTS)
        if LIBS.exists():
            shutil.rmtree(LIBS)
        LIBS.mkdir(parents=True)
        names = set()
        for wheel in sorted(wheels.rglob("*.whl")):
            if wheel.name in names:
                continue
            names.add(wheel.name)
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(LIBS)
        for junk in LIBS.rglob("__pycache__"):
            shutil.rmtree(junk, ignore_errors=True)
    print(f"bundle: {len(names)} wheels into {LIBS.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
