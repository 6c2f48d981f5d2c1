"""`python -m desktop.build [--with-strong-model]`: the one-folder app, `dist/keystroke/`.

1. llama-cpp-python is compiled once more without `-march=native` (GGML_NATIVE=OFF): the
   wheel pip builds by default uses this machine's newest instructions (AVX-512 here) and dies
   with SIGILL on older CPUs. The portable wheel is kept in build/wheels/.
2. A virtual environment in build/venv gets that wheel, Keystroke and PyInstaller.
3. PyInstaller runs build_installer.spec there; the spec assembles and verifies the default
   model (and, with --with-strong-model, the 1.5B) and puts it inside the folder.

It prints the folder's size at the end. Needs the package index (or pip's cache) and a C++
compiler, once; the folder it makes needs neither, nor Python. `--smoke` runs the built
folder's smoke test in a clean environment (CI does, on every submission).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
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
    parser.add_argument("--smoke", action="store_true",
                        help="do not build: run the built folder's smoke test (CI runs it)")
    args = parser.parse_args()
    if args.smoke:
        return smoke_test()
    wheel = portable_llama_wheel()
    python = build_venv(wheel)
    env = {**os.environ, "KEYSTROKE_WITH_STRONG_MODEL": "1" if args.with_strong_model else ""}
    run([str(python), "-m", "PyInstaller", "--noconfirm", "--clean",
         str(REPO / "build_installer.spec")], env=env)
    size = sum(p.lstat().st_size for p in DIST.rglob("*") if not p.is_symlink() and p.is_file())
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


def smoke_test() -> int:
    """The built executable in a clean environment (no venv on PATH, no network, a new
    data folder): --version, check (a page that throws, a clean one), an offline generate
    from the bundled model, and a snapshot of the window."""
    executable = DIST / "keystroke"
    pages = REPO / "tests" / "pages"
    with tempfile.TemporaryDirectory(prefix="keystroke-smoke-") as scratch:
        home = Path(scratch)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
               "KEYSTROKE_HOME": str(home / "data"), "QT_QPA_PLATFORM": "offscreen"}
        app, png = home / "app.html", home / "window.png"
        checks = [
            (["--version"], 0, lambda out: out.startswith("keystroke ")),
            (["check", str(pages / "throws.html")], 1,
             lambda out: "uncaught error: Uncaught TypeError" in out),
            (["check", str(pages / "clean.html")], 0, lambda out: "no errors" in out),
            (["generate", "a page with a heading that says Hello", "--provider", "local",
              "--max-tokens", "60", "-o", str(app)], 0,
             lambda _out: "<html" in app.read_text(encoding="utf-8").lower()),
            (["snapshot", str(pages / "clean.html"), "-o", str(png)], 0,
             lambda _out: png.stat().st_size > 10_000),
        ]
        failed = 0
        for arguments, status, holds in checks:
            started = time.perf_counter()
            run_ = subprocess.run([str(executable), *arguments], env=env, cwd=scratch,
                                  capture_output=True, text=True, timeout=600)
            ok = run_.returncode == status and holds(run_.stdout)
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} keystroke {' '.join(arguments[:2])} "
                  f"(exit {run_.returncode}, {time.perf_counter() - started:.1f} s)")
            if not ok:
                print(run_.stdout[-2000:], run_.stderr[-2000:], sep="\n")
    return 1 if failed else 0


def _installed_version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def run(command: list[str], env: dict | None = None) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, env=env, cwd=REPO)


if __name__ == "__main__":
    raise SystemExit(main())
