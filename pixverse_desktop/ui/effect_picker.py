"""A combo box of effect templates (GET /videos/effects): name and thumbnail, "No effect" first."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap

from pixverse_desktop.api.schemas import Effect
from pixverse_desktop.media.thumbnails import ThumbnailCache

from . import effect_names
from .scroll_safe import ScrollSafeComboBox


class EffectPicker(ScrollSafeComboBox):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Effect template"))
        self.setIconSize(QSize(40, 24))
        self.addItem(self.tr("No effect"), None)
        self._effects: dict[int, Effect] = {}
        self.wanted: int | None = None   # restored before the effects list arrived
        self.activated.connect(self._chosen)

    def _chosen(self, _index: int) -> None:
        self.wanted = None

    def set_effects(self, effects: list[Effect], thumbnails: ThumbnailCache | None = None) -> None:
        current = self.wanted or self.template_id()
        self.blockSignals(True)
        while self.count() > 1:
            self.removeItem(1)
        self._effects = {e.template_id: e for e in effects if e.template_id}
        effect_names.remember(self._effects.values())
        for effect in self._effects.values():
            self.addItem(effect.display_name or str(effect.template_id), effect.template_id)
            self.setItemData(self.count() - 1, effect.display_prompt or effect.display_name,
                             Qt.ItemDataRole.ToolTipRole)
        self.select(current)
        if self.wanted in self._effects:
            self.wanted = None
        self.blockSignals(False)
        self.currentIndexChanged.emit(self.currentIndex())   # the form re-validates and saves
        if thumbnails is not None:
            for effect in self._effects.values():
                if effect.thumbnail_path:
                    asyncio.ensure_future(self._load_icon(thumbnails, effect))

    async def _load_icon(self, thumbnails: ThumbnailCache, effect: Effect) -> None:
        image = await thumbnails.get(effect.thumbnail_path)
        index = self.findData(effect.template_id)
        if image is not None and index >= 0:
            self.setItemIcon(index, QIcon(QPixmap.fromImage(image)))

    def template_id(self) -> int | None:
        return self.currentData()

    def select(self, template_id: int | None) -> None:
        self.setCurrentIndex(max(0, self.findData(template_id)))
