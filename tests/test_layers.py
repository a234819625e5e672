"""The layering rule is a test, not a wish."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    command = [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and ", 0 broken" in result.stdout


def test_core_api_and_jobs_work_with_qt_absent():
    """Import every non-Qt layer, and use it, in a process where PySide6 cannot be imported."""
    code = """
import sys
sys.modules['PySide6'] = None; sys.modules['qasync'] = None
import pixverse_desktop.api, pixverse_desktop.api.client, pixverse_desktop.jobs.engine
import pixverse_desktop.jobs.downloads, pixverse_desktop.jobs.store, pixverse_desktop.core.redact
from pixverse_desktop.api import ExtendRequest
from pixverse_desktop.api.validate import extend_errors
assert extend_errors(ExtendRequest(prompt='x', video_id='v')) == []
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "ok", result.stderr
