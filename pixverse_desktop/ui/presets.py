"""Named presets of form parameters: one store over the settings, shown in the form and in Settings.

Both views listen to :attr:`PresetStore.changed`, so a preset saved from the form appears in the
Settings list at once and a preset deleted in Settings disappears from the form's menu.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialogButtonBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QToolButton, QVBoxLayout, QWidget,
)

from pixverse_desktop.storage.settings import Settings

from . import shortcuts
from .confirm import confirm
from .effect_names import effect_text
from .form_values import PRESET_KEYS, default_values

DEFAULTS = "\x00defaults"   # item data of the "Defaults" entry (a name no one can type)
NAME_MAX = 60   # a 220-character name stretched the form's Presets box across the screen (new-user pass)


def is_reserved(name: str) -> bool:
    """"Defaults" (in English or as translated) names the built-in entry: a preset saved under it
    was listed as a second, identical-looking "Defaults"."""
    name = " ".join(name.split()).casefold()
    return name in ("defaults", QCoreApplication.translate("PresetBar", "Defaults").casefold())


def ask_preset_name(parent: QWidget, current: str, on_name: Callable[[str], object], *,
                    title: str | None = None, prompt: str | None = None,
                    taken: Callable[[str], str | None] = lambda _name: None,
                    replaces: Callable[[str], str | None] = lambda _name: None) -> QInputDialog:
    """The non-blocking name prompt of the presets bar and the Settings page (``open()``, not
    ``exec()``: no nested loop under qasync). OK is off for an empty or reserved name, or one that
    ``taken`` names as another preset's (a rename onto it), and the prompt says why; it also says which
    preset a save would replace (``replaces``)."""
    title = title or QCoreApplication.translate("PresetBar", "Save preset")
    prompt = prompt or QCoreApplication.translate("PresetBar", "Name of the preset (an existing name is replaced):")
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setTextValue(current)
    dialog.setAccessibleName(title)
    dialog.textValueSelected.connect(
        lambda name: None if is_reserved(name) or taken(name) is not None else on_name(name))
    dialog.open()   # lays the dialog out: its OK button exists from here on

    buttons = dialog.findChild(QDialogButtonBox)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok) if buttons is not None else None

    def check(text: str) -> None:
        reserved = is_reserved(text)
        used = None if reserved else taken(text)
        if reserved:
            dialog.setLabelText(QCoreApplication.translate(
                "PresetBar", "“%s” is the built-in entry: choose another name.") % text.strip())
        elif used:
            dialog.setLabelText(QCoreApplication.translate(
                "PresetBar", "There is a preset “%s” already: choose another name.") % used)
        elif replaced := replaces(text):
            dialog.setLabelText(QCoreApplication.translate(
                "PresetBar", "Saving replaces the preset “%s”.") % replaced)
        else:
            dialog.setLabelText(prompt)
        if ok is not None:
            ok.setEnabled(bool(text.strip()) and not reserved and used is None)

    edit = dialog.findChild(QLineEdit)
    if edit is not None:
        edit.setAccessibleName(QCoreApplication.translate("PresetBar", "Preset name"))
        edit.setMaxLength(NAME_MAX)
        edit.selectAll()   # typing replaces the name offered, not adds to it (verification pass)
        # The dialog takes its width from its contents: sized to a short label, its title bar read
        # "Renam… reset" (new-user pass).
        edit.setMinimumWidth(340)
        edit.textChanged.connect(check)
    check(current)
    return dialog


class PresetStore(QObject):
    changed = Signal()
    renamed = Signal(str, str)   # old, new: views showing the old name show the new one

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    def names(self) -> list[str]:
        return sorted(self.settings.presets(), key=str.casefold)

    def get(self, name: str) -> dict[str, Any] | None:
        values = self.settings.presets().get(name)
        return values if isinstance(values, dict) else None

    def defaults(self) -> dict[str, Any]:
        return default_values(self.settings)

    def save(self, name: str, values: dict[str, Any]) -> str:
        name = " ".join(name.split())[:NAME_MAX]
        if not name or is_reserved(name):
            raise ValueError("a preset needs a name of its own")
        # "an existing name is replaced", whatever its case: "LONG8" beside "long8" read as one preset
        # listed twice (new-user pass), and Rename already refuses such a pair.
        while (twin := self.other_named(name, name)) is not None:
            self.settings.delete_preset(twin)
        self.settings.save_preset(name, {k: values[k] for k in PRESET_KEYS if k in values})
        self.settings.sync()
        self.changed.emit()
        return name

    def delete(self, name: str) -> None:
        self.settings.delete_preset(name)
        self.settings.sync()
        self.changed.emit()

    def other_named(self, name: str, but: str) -> str | None:
        """A preset other than ``but`` whose name is ``name`` but for case and spacing: "low res" beside
        "Low res" would read as one preset listed twice."""
        key = " ".join(name.split()).casefold()
        return next((n for n in self.names() if n != but and n.casefold() == key), None)

    def existing(self, name: str) -> str | None:
        """The preset a save under ``name`` replaces, if any (case and spacing aside)."""
        return self.other_named(name, "")

    def rename(self, old: str, new: str) -> str:
        """Another name for the same parameters; never onto another preset (that one would be lost)."""
        values = self.get(old)
        new = " ".join(new.split())
        if values is None:
            raise KeyError(old)
        if not new or is_reserved(new) or self.other_named(new, old):
            raise ValueError("a preset needs a name of its own")
        new = new[:NAME_MAX]
        if new != old:
            self.settings.save_preset(new, values)
            self.settings.delete_preset(old)
            self.settings.sync()
            self.renamed.emit(old, new)
            self.changed.emit()
        return new


class PresetBar(QWidget):
    """A combo box to apply a preset (or the defaults) and a button to save the form as one."""

    applied = Signal(str)   # the preset's name (translated "Defaults" for the defaults)
    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: PresetStore | None = None
        self._values: Callable[[], dict] = dict
        self._apply: Callable[[dict], None] = lambda _v: None
        self.combo = QComboBox()
        self.combo.setAccessibleName(self.tr("Preset"))
        self.combo.setToolTip(self.tr("Apply a preset: duration, quality, motion, style, seed, effect…"))
        self.combo.setPlaceholderText(self.tr("Presets"))
        self.combo.setMinimumContentsLength(10)
        self.combo.setMaximumWidth(240)   # a long name is elided, not the form stretched (new-user pass)
        self.combo.activated.connect(self._activated)
        self.save_button = QToolButton()
        self.save_button.setText(self.tr("Save…"))
        self.save_button.setAccessibleName(self.tr("Save the form as a preset"))
        self.save_button.setToolTip(self.tr("Save these parameters as a named preset"))
        self.save_button.clicked.connect(self.ask_name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.combo)
        layout.addWidget(self.save_button)
        self.setVisible(False)
        self._dialog: QInputDialog | None = None
        self._applying = False

    def bind(self, store: PresetStore, values: Callable[[], dict], apply: Callable[[dict], None]) -> None:
        self.store, self._values, self._apply = store, values, apply
        store.renamed.connect(self._renamed)
        store.changed.connect(self.refill)
        self.refill()
        self.setVisible(True)

    def refill(self) -> None:
        shown = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("Defaults"), DEFAULTS)
        for name in self.store.names() if self.store else []:
            self.combo.addItem(name, name)
        self.combo.setCurrentIndex(self.combo.findData(shown) if shown is not None else -1)
        self.combo.blockSignals(False)

    def _renamed(self, old: str, new: str) -> None:
        """The box showed the renamed preset: it shows it under its new name (it fell back to the
        placeholder; new-user pass). Called before ``changed`` refills the box."""
        if self.combo.currentData() == old:
            self.combo.setItemData(self.combo.currentIndex(), new)

    def _activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        if self.store is None or data is None:
            return
        values = self.store.defaults() if data == DEFAULTS else self.store.get(data)
        if values is not None:
            self._applying = True   # the fields change one by one: not edits that leave the preset
            try:
                self._apply(values)
            finally:
                self._applying = False
            self.applied.emit(self.combo.itemText(index))

    def form_edited(self) -> None:
        """The box names the preset the form holds; once a field differs from it, it shows its
        placeholder again (it went on naming the preset after edits; verification pass)."""
        data = self.combo.currentData()
        if self._applying or self.store is None or data is None:
            return
        preset = self.store.defaults() if data == DEFAULTS else self.store.get(data)
        values = self._values()
        if preset is None or any(key in values and values[key] != value for key, value in preset.items()):
            self.combo.setCurrentIndex(-1)

    def apply_name(self, name: str) -> bool:
        index = self.combo.findData(name)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._activated(index)
        return index >= 0

    def ask_name(self) -> None:
        if self.store is None:
            return
        current = self.combo.currentData()
        self._dialog = ask_preset_name(self, current if current not in (None, DEFAULTS) else "", self.save_as,
                                       replaces=self.store.existing)

    def save_as(self, name: str) -> None:
        if self.store is None or not name.strip() or is_reserved(name):
            return
        name = self.store.save(name, self._values())
        index = self.combo.findData(name)
        self.combo.setCurrentIndex(index)
        self.saved.emit(name)


def describe(values: dict[str, Any]) -> str:
    """A one-line summary of a preset's parameters, for the Settings list."""
    parts = [f"{values.get('duration', 5)} s", str(values.get("quality", "")), str(values.get("motion_mode", ""))]
    if values.get("style"):
        parts.append(str(values["style"]))
    if not values.get("seed_random", True) and values.get("seed"):
        parts.append(QCoreApplication.translate("PresetsPage", "seed %s") % values["seed"])
    if values.get("template_id"):
        parts.append(effect_text(values["template_id"]))
    if values.get("negative_prompt"):
        parts.append("−" + str(values["negative_prompt"])[:40])
    if int(values.get("variations") or 1) > 1:
        parts.append(f"×{values['variations']}")
    return " · ".join(p for p in parts if p)


class PresetsPage(QWidget):
    """Settings → Presets: the list, with Apply to the form, Save the form as…, Rename…, Delete…"""

    def __init__(self, store: PresetStore, form_values: Callable[[], dict] | None,
                 apply_preset: Callable[[str], object] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._form_values = form_values
        self._apply_preset = apply_preset
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Presets"))
        self.list.setObjectName("PresetList")
        self.list.currentRowChanged.connect(self._update)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        self.summary.setWordWrap(True)
        self.load_button = QPushButton(self.tr("Apply to the form"))
        self.load_button.setAccessibleName(self.tr("Apply the selected preset to the form"))
        self.load_button.clicked.connect(self.load_selected)
        self.save_button = QPushButton(self.tr("Save the form as…"))
        self.save_button.setAccessibleName(self.tr("Save the current form as a preset"))
        self.save_button.clicked.connect(self.ask_name)
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.rename_button.setAccessibleName(self.tr("Rename the selected preset"))
        self.rename_button.setToolTip(shortcuts.primary("preset_rename"))
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setAccessibleName(self.tr("Delete the selected preset"))
        self.delete_button.setToolTip(shortcuts.primary("preset_delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        for name, slot in (("preset_rename", self.ask_rename), ("preset_delete", self.delete_selected)):
            self.list.addAction(shortcuts.make_action(self.list, name, slot))
        self.load_button.setVisible(apply_preset is not None)
        self.save_button.setVisible(form_values is not None)
        self._dialog: QWidget | None = None
        buttons = QVBoxLayout()
        for button in (self.load_button, self.save_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        intro = QLabel(self.tr("A preset keeps the parameters of the form (not the prompt, the source or "
                               "the account). Apply one from the Presets menu above the form. Presets are "
                               "saved, renamed and deleted here at once, whether or not you then Save or Cancel."))
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row, 1)
        layout.addWidget(self.summary)
        store.changed.connect(self.refill)
        self.refill()

    def refill(self) -> None:
        selected = self.selected()
        self.list.clear()
        names = self.store.names()
        height = self.list.fontMetrics().height() + 12   # roomier rows than the default
        for name in names:
            item = QListWidgetItem(name)
            item.setSizeHint(QSize(0, height))
            self.list.addItem(item)
        if names:
            self.list.setCurrentRow(names.index(selected) if selected in names else 0)
        self._update()

    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item is not None else None

    def _update(self, *_args) -> None:
        name = self.selected()
        values = self.store.get(name) if name else None
        self.summary.setText(describe(values) if values else self.tr("No presets yet: fill in the form, "
                                                                     "then save it as a preset."))
        for button in (self.load_button, self.rename_button, self.delete_button):
            button.setEnabled(values is not None)

    def load_selected(self) -> None:
        name = self.selected()
        if name and self._apply_preset is not None:
            self._apply_preset(name)

    def delete_selected(self) -> None:
        """Asked first: one click deleted a preset for good, Cancel in Settings did not bring it back."""
        name = self.selected()
        if not name or self.store.get(name) is None:
            return
        self._dialog = confirm(self, "DeletePresetBox", self.tr("Delete preset"),
                               self.tr("Delete the preset “%s”?") % name, self.tr("Delete"),
                               lambda: self.store.delete(name))

    def ask_rename(self) -> None:
        name = self.selected()
        if not name or self.store.get(name) is None:
            return
        self._dialog = ask_preset_name(self, name, lambda new: self._rename(name, new),
                                       title=self.tr("Rename preset"), prompt=self.tr("New name for “%s”:") % name,
                                       taken=lambda new: self.store.other_named(new, name))

    def _rename(self, old: str, new: str) -> None:
        if self.store.get(old) is None:   # deleted meanwhile (the form's menu, another window)
            return
        renamed = self.store.rename(old, new)
        matches = self.list.findItems(renamed, Qt.MatchFlag.MatchExactly)
        if matches:
            self.list.setCurrentItem(matches[0])

    def ask_name(self) -> None:
        self._dialog = ask_preset_name(self, self.selected() or "", self.save_as, replaces=self.store.existing)

    def save_as(self, name: str) -> None:
        if self._form_values is not None and name.strip() and not is_reserved(name):
            saved = self.store.save(name, self._form_values())
            matches = self.list.findItems(saved, Qt.MatchFlag.MatchExactly)
            if matches:
                self.list.setCurrentItem(matches[0])
