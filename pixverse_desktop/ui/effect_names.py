"""Effect templates by name where the service listed them: the form's Effect list fills this as it
loads, and the job list's settings and the presets summary say "Golden Glow", not "effect
307489434436288" (new-user pass). An id the list never named is shown as before."""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QCoreApplication

from pixverse_desktop.api.schemas import Effect

_NAMES: dict[int, str] = {}


def remember(effects: Iterable[Effect]) -> None:
    _NAMES.update({e.template_id: e.display_name for e in effects if e.template_id and e.display_name})


def effect_text(template_id: object) -> str:
    try:
        name = _NAMES.get(int(template_id))
    except (TypeError, ValueError):
        name = None
    return name or QCoreApplication.translate("EffectNames", "effect %s") % template_id
