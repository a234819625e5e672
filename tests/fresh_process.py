"""Running code in a new interpreter: start-up order and what a module loads are per process."""

from __future__ import annotations

import subprocess
import sys


def in_a_fresh_process(code: str) -> str:
    """Runs ``code`` in a new interpreter and returns what it printed; it must succeed."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout
