#!/usr/bin/env python3
"""Regenerate ``python3-deps.json``: the Flatpak module holding the app's Python dependencies.

PySide6 itself comes from the ``io.qt.PySide.BaseApp`` base app, so it is left out. The module
lists pinned binary wheels (x86_64, CPython 3.12 = the org.kde.Platform 6.8 / freedesktop 24.08
Python) with their sha256, as resolved by pip itself:

    python packaging/flatpak/pip_sources.py            # writes packaging/flatpak/python3-deps.json

For aarch64 add a second run with ``--arch aarch64`` (written to python3-deps-aarch64.json), or use
flatpak-pip-generator from flatpak-builder-tools instead.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The runtime dependencies from pyproject.toml minus PySide6, plus the build backend.
REQUIREMENTS = [
    "httpx[socks]>=0.27", "qasync>=0.27", "keyring>=24", "platformdirs>=4",
    "aiohttp>=3.9", "av>=12", "Pillow>=10.1",
    "setuptools>=68", "wheel",
]
PYTHON = "3.12"


def conveyor_url(name: str, filename: str) -> str:
    """A stable files.pythonhosted.org URL that redirects to the wheel, whatever mirror pip used."""
    tag = filename[:-4].split("-")[-3]  # python tag of the wheel
    return f"https://files.pythonhosted.org/packages/{tag}/{name[0].lower()}/{name}/{filename}"


def resolve(arch: str) -> list[dict]:
    platforms = [f"manylinux_2_{v}_{arch}" for v in (28, 27, 17, 5)] + [
        f"manylinux2014_{arch}", f"manylinux1_{arch}",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
               "--only-binary=:all:", "--python-version", PYTHON, "--implementation", "cp",
               "--report", str(report)]
        for p in platforms:
            cmd += ["--platform", p]
        subprocess.run(cmd + REQUIREMENTS, check=True)
        data = json.loads(report.read_text())
    sources = []
    for item in sorted(data["install"], key=lambda i: i["metadata"]["name"].lower()):
        info = item["download_info"]
        filename = info["url"].rsplit("/", 1)[-1]
        sources.append({
            "type": "file",
            "url": conveyor_url(item["metadata"]["name"], filename),
            "sha256": info["archive_info"]["hashes"]["sha256"],
            "only-arches": [arch],
        })
    return sources


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="x86_64")
    args = parser.parse_args()
    sources = resolve(args.arch)
    names = [s["url"].rsplit("/", 1)[-1].split("-")[0] for s in sources]
    module = {
        "name": "python3-deps",
        "buildsystem": "simple",
        "build-commands": [
            'pip3 install --verbose --exists-action=i --no-index --find-links="file://${PWD}" '
            "--prefix=${FLATPAK_DEST} --no-build-isolation " + " ".join(f'"{n}"' for n in names)
        ],
        "sources": sources,
    }
    suffix = "" if args.arch == "x86_64" else f"-{args.arch}"
    out = HERE / f"python3-deps{suffix}.json"
    out.write_text(json.dumps(module, indent=2) + "\n")
    print(f"wrote {out} ({len(sources)} wheels)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
