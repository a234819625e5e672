"""Widgets, Qt models and delegates.

Importing this package first protects the process from a reference-counting bug of the PySide6 build
in use (6.12 on CPython 3.11): a Qt method that returns nothing hands Python a ``None`` it never took a
reference to, and so does every ``Signal.emit`` with ``True``, so each such call (``painter.save()``,
``widget.update()``, ``model.dataChanged.emit(…)``) takes one reference away from ``None`` or ``True``.
With the app loaded ``None`` holds about 18,000 references, and the picker repainting its tiles makes
thousands of such calls a second: the window aborted with "none_dealloc: deallocating None" within
seconds of scrolling, or "bool_dealloc" on exit (found by benchmarks/bench_stall.py). From CPython 3.12
on these singletons are immortal (PEP 683) and the bug is harmless; before that, give them a reference
count no session can use up, which is what 3.12 does.
"""

from __future__ import annotations

import sys


def _keep_singletons_alive() -> None:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    import ctypes

    for singleton in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt: a PyObject's first field
        if refcnt.value < 1 << 40:
            refcnt.value += 1 << 60


_keep_singletons_alive()
