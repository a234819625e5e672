#!/usr/bin/env python3
"""Regenerates the Qt Linguist template ``pixverse_desktop.ts`` (and refreshes any translations) from
the code, with ``pyside6-lupdate``: every ``tr()``, ``QCoreApplication.translate()`` and
``QT_TRANSLATE_NOOP()`` string in ``pixverse_desktop/ui/*.py`` and ``pixverse_desktop/app.py``.

    python resources/i18n/update_ts.py            # update the template and every pixverse_desktop_<lang>.ts
    python resources/i18n/update_ts.py --release  # also compile the translations to .qm (pyside6-lrelease)

Start a new language by copying the template to ``pixverse_desktop_<lang>.ts`` (e.g. ``_de``) and
opening it in Qt Linguist (``pyside6-linguist``); the app loads ``pixverse_desktop_<lang>.qm`` for the
system locale at start-up.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TEMPLATE = HERE / "pixverse_desktop.ts"


def tool(name: str) -> str:
    """The PySide6 tool next to this Python (a venv) or on PATH."""
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install PySide6 into this Python, or put it on PATH")
    return found


def sources() -> list[str]:
    files = sorted((ROOT / "pixverse_desktop" / "ui").glob("*.py")) + [ROOT / "pixverse_desktop" / "app.py"]
    return [str(f.relative_to(ROOT)) for f in files]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="compile the translations to .qm as well")
    args = parser.parse_args(argv)
    targets = [TEMPLATE, *sorted(p for p in HERE.glob("pixverse_desktop_*.ts"))]
    for target in targets:
        subprocess.run([tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "relative",
                        "-ts", str(target.relative_to(ROOT))], cwd=ROOT, check=True)
    if args.release:
        for target in targets[1:]:
            subprocess.run([tool("pyside6-lrelease"), str(target), "-qm", str(target.with_suffix(".qm"))],
                           check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
