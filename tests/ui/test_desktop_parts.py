"""Desktop-citizen parts on their own (no simulator): settings dialog, presets, shortcuts table, About,
theme following the system, palette-aware high-DPI icons, translations, log set-up, arguments."""

from __future__ import annotations

import logging
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPalette
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox

from pixverse_desktop import __main__ as entry
from pixverse_desktop.storage.secrets import MemoryTokenStore
from pixverse_desktop.storage.settings import Settings
from pixverse_desktop.ui import shortcuts, shortcuts_dialog, theme
from pixverse_desktop.ui.about_dialog import AboutDialog, versions
from pixverse_desktop.ui.extend_form import ExtendForm
from pixverse_desktop.ui.form_values import apply_form_values, form_values, preset_values
from pixverse_desktop.ui.icons import app_icon, glyph
from pixverse_desktop.ui.presets import DEFAULTS, PresetStore
from pixverse_desktop.ui.settings_dialog import SettingsDialog
from pixverse_desktop.ui.token_manager import TokenManager
from pixverse_desktop.ui.translations import install_translators

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "pixverse_desktop.ts"


@pytest.fixture
def settings(tmp_path):
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def light(qapp):
    yield theme.apply_theme(qapp, "light")
    theme.apply_theme(qapp, "light")


def _dialog(qtbot, settings, **kw) -> SettingsDialog:
    async def verify(_token):
        return None

    dialog = SettingsDialog(settings, TokenManager(MemoryTokenStore(None), verify), **kw)
    qtbot.addWidget(dialog)
    return dialog


# -- settings dialog ------------------------------------------------------------------------------

def test_settings_dialog_saves_every_option_and_reports_changes(qtbot, settings, tmp_path, light):
    dialog = _dialog(qtbot, settings)
    applied = []
    dialog.applied.connect(applied.append)
    dialog.library.setText(str(tmp_path / "lib"))
    dialog.auto_download.setChecked(False)
    dialog.notifications.setChecked(False)
    dialog.default_duration.setCurrentIndex(dialog.default_duration.findData(8))
    dialog.default_quality.setCurrentIndex(dialog.default_quality.findData("360p"))
    dialog.default_style.setCurrentIndex(dialog.default_style.findData("clay"))
    dialog.poll_min.setValue(1.5)
    dialog.poll_max.setValue(45)
    dialog.save_button.click()
    assert applied == [frozenset({"library_dir", "auto_download", "notifications", "default_duration",
                                  "default_quality", "default_style", "poll_min_s", "poll_max_s"})]
    again = Settings(settings.path)   # what a restart reads: it is on disk
    assert again.get("library_dir") == str(tmp_path / "lib")
    assert (again.get("auto_download"), again.get("notifications")) == (False, False)
    assert (again.get("default_duration"), again.get("default_quality"), again.get("default_style")) == \
        (8, "360p", "clay")
    assert (again.get("poll_min_s"), again.get("poll_max_s")) == (1.5, 45.0)
    assert "token" not in settings.path.read_text().lower()


def test_settings_dialog_validates_polling_bounds_and_library(qtbot, settings, light):
    dialog = _dialog(qtbot, settings)
    dialog.poll_min.setValue(30)
    dialog.poll_max.setValue(10)
    assert not dialog.save_button.isEnabled()
    assert not dialog.poll_error.isHidden() and "longest" in dialog.poll_error.text()
    dialog.poll_max.setValue(30)
    assert dialog.save_button.isEnabled() and dialog.poll_error.isHidden()
    dialog.library.setText("  ")
    assert not dialog.save_button.isEnabled()
    assert (dialog.poll_min.minimum(), dialog.poll_max.maximum()) == (0.05, 600)   # the declared ranges


def test_theme_is_previewed_live_and_reverted_on_cancel(qtbot, settings, light):
    dialog = _dialog(qtbot, settings)
    previews = []
    dialog.themePreview.connect(previews.append)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.reject()
    assert previews == ["dark", "system"] and settings.get("theme") == "system"


def test_theme_controller_follows_the_system_scheme(qapp, light):
    hints = qapp.styleHints()
    controller = theme.ThemeController(qapp, "system")
    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)     # the desktop switched to dark
        assert controller.colors.dark and qapp.palette().color(QPalette.ColorRole.Window).lightness() < 128
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert not controller.colors.dark
        controller.set_mode("dark")                            # an explicit choice ignores the desktop
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert controller.colors.dark
        controller.set_mode("light")
        assert not controller.colors.dark
    finally:
        controller.detach()
        controller.set_mode("system")


# -- presets and form values ----------------------------------------------------------------------

def test_presets_save_load_delete_from_form_and_settings(qtbot, settings, light):
    store = PresetStore(settings)
    form = ExtendForm()
    qtbot.addWidget(form)
    form.presets.bind(store, lambda: preset_values(form), lambda v: apply_form_values(form, v))
    assert form.presets.isVisibleTo(form)
    form.prompt.setPlainText("not part of a preset")
    form.duration.setCurrentIndex(form.duration.findData(8))
    form.style.setCurrentIndex(form.style.findData("anime"))
    form.seed_random.setChecked(False)
    form.seed.setText("77")
    form.variations.setValue(3)
    form.presets.save_as("Anime 8s")
    assert store.names() == ["Anime 8s"] and "prompt" not in store.get("Anime 8s")

    dialog = _dialog(qtbot, settings, presets=store, form_values=lambda: preset_values(form),
                     apply_preset=form.presets.apply_name)
    page = dialog.presets_page
    assert page.selected() == "Anime 8s" and "anime" in page.summary.text() and "×3" in page.summary.text()

    form.presets.combo.activated.emit(form.presets.combo.findData(DEFAULTS))   # back to the defaults
    assert (form.duration.currentData(), form.style.currentData(), form.seed_random.isChecked()) == (5, None, True)
    assert form.prompt.toPlainText() == "not part of a preset"
    page.load_selected()                                                       # Settings → Apply to the form
    assert (form.duration.currentData(), form.style.currentData(), form.seed.text()) == (8, "anime", "77")
    assert form.variations.value() == 3 and form.presets.combo.currentText() == "Anime 8s"

    form.quality.setCurrentIndex(form.quality.findData("360p"))
    page.save_as("Low res")                                                    # Settings → Save the form as…
    assert [form.presets.combo.itemText(i) for i in range(form.presets.combo.count())] == \
        ["Defaults", "Anime 8s", "Low res"]
    page.list.setCurrentRow(0)
    page.delete_selected()                                                     # asked first: Cancel keeps it
    box = page.findChild(QMessageBox, "DeletePresetBox")
    assert box.isVisible() and "Anime 8s" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert store.names() == ["Anime 8s", "Low res"]
    page.delete_selected()
    box = page._dialog
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
    assert store.names() == ["Low res"] and form.presets.combo.findData("Anime 8s") == -1
    assert PresetStore(Settings(settings.path)).names() == ["Low res"]        # persisted


def test_the_presets_box_names_a_preset_only_while_the_form_holds_it(qtbot, settings, light):
    store = PresetStore(settings)
    form = ExtendForm()
    qtbot.addWidget(form)
    form.presets.bind(store, lambda: preset_values(form), lambda v: apply_form_values(form, v))
    form.duration.setCurrentIndex(form.duration.findData(8))
    form.presets.save_as("Long")
    box = form.presets.combo
    for choice in (DEFAULTS, "Long"):
        box.setCurrentIndex(box.findData(choice))
        box.activated.emit(box.currentIndex())              # applied: named, its fields all changed
        assert box.currentData() == choice
        form.prompt.setPlainText("a prompt is no part of a preset")
        assert box.currentData() == choice
    form.quality.setCurrentIndex(form.quality.findData("360p"))   # now the form differs from "Long"
    assert box.currentIndex() == -1 and box.currentText() == ""


def test_presets_rename_in_settings_never_onto_another(qtbot, settings, light):
    store = PresetStore(settings)
    store.save("Anime 8s", {"duration": 8, "style": "anime"})
    store.save("Low res", {"quality": "360p"})
    dialog = _dialog(qtbot, settings, presets=store)
    page = dialog.presets_page
    page.list.setFocus()
    page.list.setCurrentRow(0)
    keys = {a.objectName(): a.shortcuts()[0].toString() for a in page.list.actions()}
    assert keys == {"action_preset_rename": "F2", "action_preset_delete": "Del"}
    next(a for a in page.list.actions() if a.objectName() == "action_preset_rename").trigger()   # F2
    ask = page._dialog
    assert isinstance(ask, QInputDialog) and ask.textValue() == "Anime 8s"
    ok = ask.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    for taken in ("Low res", "  low res", "Defaults"):                           # another preset, the built-in
        ask.setTextValue(taken)
        assert not ok.isEnabled() and taken.strip().split()[0].lower() in ask.labelText().lower()
    ask.textValueSelected.emit("Low res")                                      # refused even if sent
    assert store.names() == ["Anime 8s", "Low res"]
    ask.setTextValue("Anime  eight")
    assert ok.isEnabled()
    ok.click()
    assert store.names() == ["Anime eight", "Low res"] and store.get("Anime eight") == {"duration": 8, "style": "anime"}
    assert page.selected() == "Anime eight"
    assert PresetStore(Settings(settings.path)).names() == ["Anime eight", "Low res"]   # persisted
    with pytest.raises(ValueError):
        store.rename("Anime eight", "Low res")


def test_saving_under_a_name_of_another_case_replaces_it_and_the_form_follows_renames(qtbot, settings, light):
    """"LONG8" beside "long8" read as one preset listed twice (new-user pass); the form's box fell back
    to its placeholder when the preset it showed was renamed; names are bounded."""
    from pixverse_desktop.ui.presets import NAME_MAX

    store = PresetStore(settings)
    form = ExtendForm()
    qtbot.addWidget(form)
    form.presets.bind(store, lambda: preset_values(form), lambda v: apply_form_values(form, v))
    form.presets.save_as("long8")
    form.presets.ask_name()
    ask = form.presets._dialog
    ask.setTextValue("LONG8 ")
    assert "replaces the preset “long8”" in ask.labelText()
    ask.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert store.names() == ["LONG8"] and form.presets.combo.currentText() == "LONG8"
    assert [form.presets.combo.itemText(i) for i in range(form.presets.combo.count())] == ["Defaults", "LONG8"]

    store.rename("LONG8", "Long eight")                      # in Settings, while the form shows it
    assert form.presets.combo.currentText() == "Long eight" and form.presets.combo.currentData() == "Long eight"
    assert store.save("x" * 300, {}) == "x" * NAME_MAX
    form.presets.ask_name()
    assert form.presets._dialog.findChild(QLineEdit).maxLength() == NAME_MAX
    assert form.presets._dialog.sizeHint().width() >= 360


def test_form_values_round_trip_and_wait_for_late_lists(qtbot):
    form = ExtendForm()
    qtbot.addWidget(form)
    values = {**form_values(form), "prompt": "p", "negative_prompt": "n", "duration": 8, "quality": "360p",
              "style": "clay", "seed": "12", "seed_random": False, "template_id": 555, "email": "b@x.com",
              "reply_url": "https://e.com/h", "reply_ref": "r", "max_jobs": 2, "remove_watermark": False,
              "variations": 4, "advanced": True}
    apply_form_values(form, values)
    assert form_values(form) == values       # account and effect are remembered before their lists arrive
    assert not any(label.isVisible() for label in form._errors.values())
    form.set_accounts(["a@x.com", "b@x.com"])
    assert form.account.currentData() == "b@x.com" and form.wanted_account is None
    from pixverse_desktop.api.schemas import Effect
    form.effect.set_effects([Effect(template_id=555, display_name="Zoom")])
    assert form.effect.template_id() == 555 and form.effect.wanted is None
    apply_form_values(form, {"duration": "junk", "variations": None, "unknown": 1})   # tolerated
    assert form.duration.currentData() == 8 and form.variations.value() == 4


# -- shortcuts, About, icons ----------------------------------------------------------------------

def test_shortcut_table_is_complete_and_unambiguous(qtbot):
    """A key is used once, except by shortcuts that live on different widgets (a local context in
    different groups: Enter in the video list and Enter in the job list never compete)."""
    seen: dict[str, object] = {}
    local = Qt.ShortcutContext.WidgetWithChildrenShortcut
    for spec in shortcuts.SHORTCUTS:
        assert spec.group in shortcuts.GROUPS and spec.text and spec.keys
        for key in spec.keys:
            assert not QKeySequence(key).isEmpty(), key
            portable = QKeySequence(key).toString()
            other = seen.get(portable)
            assert other is None or (spec.where == other.where == local and spec.group != other.group), \
                f"{key} is used by {other.name} and {spec.name}"
            seen[portable] = spec
    dialog = shortcuts_dialog.ShortcutsDialog()
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    assert len(rows) == len(shortcuts.SHORTCUTS)
    assert ("Extend the source video", "Ctrl+Return  or  Ctrl+Enter") in rows
    assert ("Previous frame", "Comma ( , )") in rows


def test_about_lists_versions_and_the_keyring_backend(qtbot, aio):
    info = versions()
    for name in ("Qt", "PySide6", "Python", "httpx", "qasync", "keyring"):
        assert info[name] and info[name] != "?", name
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    aio.run(dialog.lookup, 15)
    assert dialog.info["Keyring"] not in ("", "looking…")
    assert "httpx" in dialog.table.text() and "0.1.0" in dialog.text()
    dialog.copy()
    assert "Keyring: " in QCoreApplication.instance().clipboard().text()


def _ink(icon: QIcon, dpr: float = 1.0) -> QColor:
    image = icon.pixmap(QSize(24, 24), dpr).toImage()
    darkest = max((image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())),
                  key=lambda c: c.alpha())
    return darkest


def test_glyphs_follow_the_palette_and_scale_for_high_dpi(qapp, light):
    play = glyph("play")
    assert _ink(play).lightness() < 80                 # dark ink on the light theme
    big = play.pixmap(QSize(24, 24), 2.0)
    assert big.size() == QSize(48, 48) and big.devicePixelRatio() == 2.0   # drawn at 2x, not upscaled
    theme.apply_theme(qapp, "dark")
    assert _ink(play).lightness() > 180                # the same icon is light on the dark theme
    assert not app_icon().isNull() and QSize(256, 256) in app_icon().availableSizes()


def test_an_unchecked_box_is_visible_on_the_dark_theme(qtbot, qapp, light):
    """Fusion outlined it in the dark window colour made darker: 1.1:1 against the window (new-user pass)."""
    from PySide6.QtWidgets import QCheckBox

    theme.apply_theme(qapp, "dark")
    try:
        box = QCheckBox("Random")
        qtbot.addWidget(box)
        box.show()
        image = box.grab().toImage()
        window = qapp.palette().color(QPalette.ColorRole.Window).lightness()
        indicator = [image.pixelColor(x, y).lightness() for x in range(min(20, image.width()))
                     for y in range(image.height())]
        assert max(indicator) - window > 40
    finally:
        theme.apply_theme(qapp, "light")


def test_qt_file_dialog_buttons_are_legible_on_the_dark_theme(qtbot, qapp, light):
    """Qt's own file dialog (no desktop one here) drew its navigation buttons in Fusion's dark pixmaps,
    invisible on the dark palette, and the app's padding squeezed them to a few pixels."""
    from PySide6.QtWidgets import QFileDialog, QToolButton

    from pixverse_desktop.ui.icons import legible_file_dialog

    theme.apply_theme(qapp, "dark")
    dialog = QFileDialog(None, "Add a local video")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    dialog.open()
    buttons = {b.objectName(): b for b in dialog.findChildren(QToolButton)}
    assert _ink(buttons["toParentButton"].icon()).lightness() < 120      # before: Fusion's dark pixmap
    legible_file_dialog(dialog)
    for name in ("backButton", "forwardButton", "toParentButton", "newFolderButton", "listModeButton",
                 "detailModeButton"):
        assert _ink(buttons[name].icon()).lightness() > 180, name
        assert buttons[name].minimumWidth() >= 26
    theme.apply_theme(qapp, "light")


# -- i18n, logging, arguments ---------------------------------------------------------------------

def test_ts_template_is_valid_and_has_the_ui_strings():
    root = ET.parse(TS).getroot()
    assert root.tag == "TS"
    sources = {(c.findtext("name"), m.findtext("source")) for c in root.iter("context") for m in c.iter("message")}
    for expected in [("ExtendForm", "Extend"), ("SettingsDialog", "Follow the system"),
                     ("Shortcuts", "Play / pause"), ("TrayController", "No running jobs"),
                     ("Menus", "Open logs folder"), ("JobTableModel", "Generating"),
                     ("ExtendForm", "Describe what should happen next (the prompt is required)")]:
        assert expected in sources, expected
    assert all(name for name, _ in sources), "a string without a context: use self.tr or translate(ctx, …)"


def test_validation_catalog_matches_the_validator():
    from pixverse_desktop.ui.messages import VALIDATION_MESSAGES

    text = (ROOT / "pixverse_desktop" / "api" / "validate.py").read_text(encoding="utf-8")
    assert all(f'"{m}"' in text for m in VALIDATION_MESSAGES)


def test_every_validation_message_is_in_the_catalog_and_translated_with_its_numbers(qtbot, qapp, tmp_path):
    from pixverse_desktop.api.schemas import ExtendRequest
    from pixverse_desktop.api.validate import extend_errors
    from pixverse_desktop.ui.messages import VALIDATION_MESSAGES

    everything_wrong = ExtendRequest(prompt="x" * 2049, negative_prompt="n" * 2050, video_id="a", video_path="b",
                                     duration=7, quality="4k", motion_mode="slow", style="oil", seed=-5,
                                     template_id=0, max_jobs=99, remove_watermark="yes", reply_url="ftp://x",
                                     reply_ref="r" * 2000, email="nobody")
    errors = extend_errors(everything_wrong)
    assert len(errors) >= 12
    assert all(e.template in VALIDATION_MESSAGES for e in errors), [e.template for e in errors]
    assert errors[0].text() == errors[0].message == "At most 2048 characters (2049 now)"

    _german_catalog(tmp_path, "At most {limit} characters ({count} now)", "Höchstens {limit} Zeichen (jetzt {count})")
    installed = install_translators(qapp, QLocale("de_DE"), tmp_path)
    try:
        form = ExtendForm()
        qtbot.addWidget(form)
        form.prompt.setPlainText("x" * 2050)
        form.validate()
        form.show_field_errors(errors[:1])
        assert form._errors["prompt"].text() == "Höchstens 2048 Zeichen (jetzt 2049)"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


def _german_catalog(folder: Path, source: str, translation: str) -> None:
    """``folder/pixverse_desktop_de.qm`` translating one ExtendForm string (skips without lrelease)."""
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is not installed")
    ts = folder / "pixverse_desktop_de.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="de">'
                  f"<context><name>ExtendForm</name><message><source>{source}</source>"
                  f"<translation>{translation}</translation></message></context></TS>", encoding="utf-8")
    subprocess.run([str(lrelease), str(ts), "-qm", str(folder / "pixverse_desktop_de.qm")], check=True,
                   capture_output=True)


def test_translator_loads_a_compiled_catalog_for_the_locale(qapp, tmp_path):
    _german_catalog(tmp_path, "Extend", "Verlängern")
    installed = install_translators(qapp, QLocale("de_DE"), tmp_path)
    try:
        assert any(t.filePath().endswith("pixverse_desktop_de.qm") for t in installed)
        assert QCoreApplication.translate("ExtendForm", "Extend") == "Verlängern"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
    assert QCoreApplication.translate("ExtendForm", "Extend") == "Extend"
    assert install_translators(qapp, QLocale("xx_XX"), tmp_path) == []    # no catalog: no error


def test_the_app_log_setup_is_core_logs_and_redacts_the_token(_isolated_dirs):
    from pixverse_desktop.core import logs
    from pixverse_desktop.core.redact import forget_secrets, register_secret

    secret = "ui-log-token-9c1d2e3f4a5b"
    root_level = logging.getLogger().level
    try:
        path = entry.configure_logging(entry.parse_args(["--log-level", "debug"]))
        assert path == logs.log_file_path() and path.parent == (_isolated_dirs / "logs").resolve()
        register_secret(secret)
        logging.getLogger("pixverse_desktop.ui").info("Authorization: Bearer %s", secret)
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "PixVerse Desktop 0.1.0 starting" in text and secret not in text and "Bearer" in text
    finally:
        logs.shutdown_logging()
        forget_secrets()
        logging.getLogger().setLevel(root_level)


def test_positional_files_for_the_desktop_file(tmp_path):
    clip = tmp_path / "my clip.mp4"
    args = entry.parse_args(["--demo", str(clip), "file://" + str(tmp_path / "two%20words.mov")])
    assert args.files == [str(clip), str(tmp_path / "two words.mov")] and args.demo
    assert entry.parse_args([]).files == [] and entry.parse_args([]).log_level == "INFO"
    desktop = (ROOT / "resources" / "net.pixverse_desktop.PixVerseDesktop.desktop").read_text()
    assert "Exec=pixverse-desktop %F" in desktop
