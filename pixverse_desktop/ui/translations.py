"""Loads the translations for the user's locale at start-up: Qt's own (standard buttons, dialogs) and ours.

Ours are ``resources/i18n/pixverse_desktop_<lang>.qm``, compiled with ``pyside6-lrelease`` from the
``.ts`` files that ``resources/i18n/update_ts.py`` keeps in step with the code. A missing file is
normal (English needs none) and is not an error.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from pixverse_desktop.core.paths import resources_dir

log = logging.getLogger(__name__)
CATALOG = "pixverse_desktop"


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def install_translators(app: QCoreApplication, locale: QLocale | None = None,
                        directory: Path | None = None) -> list[QTranslator]:
    """Installs every translator found for ``locale`` (default: the system's); returns them (keep them
    alive: Qt does not own them)."""
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    sources = (("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
               (CATALOG, str(directory or i18n_dir())))
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder, ".qm"):
            app.installTranslator(translator)
            installed.append(translator)
            log.info("translations loaded: %s", translator.filePath())
    return installed
