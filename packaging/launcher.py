"""PyInstaller entry script: run ``pixverse_desktop.__main__:main`` (the ``pixverse-desktop`` gui script).

``pixverse_desktop/__main__.py`` is not used as the script itself so that it keeps working as a
normal package module (``python -m pixverse_desktop``), relative imports included.
"""

import multiprocessing
import sys

from pixverse_desktop.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless something spawns processes (Windows/macOS)
    sys.exit(main())
