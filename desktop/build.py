"""`python -m desktop.build [--with-strong-model]`: the one-folder app, `dist/keystroke/`.

1. llama-cpp-python is compiled once more without `-march=native` (GGML_NATIVE=OFF): the
   wheel pip builds by default uses this machine's newest instructions (AVX-512 here) and dies
   with SIGILL on older CPUs. The portable wheel is kept in build/wheels/.
2. A virtual environment in build/venv gets that wheel, Keystroke and PyInstaller.
3. PyInstaller runs build_installer.spec there; the spec assembles and verifies the default
   model (and, with --with-strong-model, the 1.5B) and puts it inside the folder.

It prints the folder's size at the end. Needs the package index (or pip's cache) and a C++
compiler, once; the folder it makes needs neither, nor Python.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
WHEELS = BUILD / "wheels"
VENV = BUILD / "venv"
DIST = REPO / "dist" / "keystroke"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-strong-model", action="store_true",
                        help="also carry Qwen2.5-Coder-1.5B (1.1 GB) for the offline strong tier")
    args = parser.parse_args()
    wheel = portable_llama_wheel()
    python = build_venv(wheel)
    env = {**os.environ, "KEYSTROKE_WITH_STRONG_MODEL": "1" if args.with_strong_model else ""}
    run([str(python), "-m", "PyInstaller", "--noconfirm", "--clean",
         str(REPO / "build_installer.spec")], env=env)
    size = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file())
    print(f"\nBuilt {DIST}: {size / 2**20:,.0f} MB. Run {DIST / 'keystroke'}.")
    return 0


def portable_llama_wheel() -> Path:
    """The llama-cpp-python wheel compiled for any x86-64 CPU (built once, then reused)."""
    found = sorted(WHEELS.glob("llama_cpp_python-*.whl"))
    if found:
        return found[-1]
    version = _installed_version("llama-cpp-python")
    env = {**os.environ, "CMAKE_ARGS": "-DGGML_NATIVE=OFF"}
    # --no-cache-dir: pip's cache would hand back the native wheel built for the dev install.
    run([sys.executable, "-m", "pip", "wheel", f"llama-cpp-python=={version}", "--no-deps",
         "--no-cache-dir", "-w", str(WHEELS)], env=env)
    return sorted(WHEELS.glob("llama_cpp_python-*.whl"))[-1]


def build_venv(wheel: Path) -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
    run([str(python), "-m", "pip", "install", "--quiet", f"{REPO}[build]"])
    # Last, so that the portable build replaces whichever llama-cpp-python pip chose.
    run([str(python), "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps",
         str(wheel)])
    return python


def _installed_version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def run(command: list[str], env: dict | None = None) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, env=env, cwd=REPO)


if __name__ == "__main__":
    raise SystemExit(main())
