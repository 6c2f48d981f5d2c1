"""The core stays Qt-free: checked with import-linter's contract from pyproject.toml."""

import os
import subprocess
import sys

from tests.conftest import REPO


def test_core_never_imports_qt_or_the_ui():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    linter = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
              "lint_imports_command()"]
    result = subprocess.run(linter, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
