"""The menu bar (File, View, Extend, Player, Help), made from the shortcuts table.

Every item with a key comes from :mod:`.shortcuts`, so the menus, the keys and the "Keyboard shortcuts"
dialog always agree. Help also opens the log folder and the About box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction

from pixverse_desktop.core.paths import log_dir

from . import shortcuts

if TYPE_CHECKING:
    from .main_window import MainWindow


def open_logs_folder() -> bool:
    """Opens the platform log directory in the file manager (it is created if missing)."""
    # Imported on first use: loading a Qt class creates all its Python enums, and the menus are part
    # of the window's first frame (bench_startup).
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))


def show_logs_folder(parent) -> bool:
    """Opens the log folder; where no file manager answers, says where it is (the path can be copied)."""
    if open_logs_folder():
        return True
    from PySide6.QtWidgets import QMessageBox   # first use, as above

    box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("Menus", "Logs folder"),
                      QCoreApplication.translate("Menus", "The logs folder could not be opened. It is here:"),
                      QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(str(log_dir()))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAccessibleName(QCoreApplication.translate("Menus", "Logs folder"))
    box.setObjectName("LogsFolderBox")
    box.open()   # not exec(): no nested event loop under qasync
    return False


def handlers(w: "MainWindow") -> dict[str, Callable[[], object]]:
    """What each window-level shortcut does (the job list's own keys live in JobTable). The menus are
    made before the form, player and job list (the window's first frame shows without them), so the
    items that drive those look them up when used; one used in the moment before they exist (a key
    pressed as the window appears) runs as soon as they do, not never."""

    def later(act: Callable[["MainWindow"], object]) -> Callable[[], object]:
        return lambda: w.when_complete(lambda: act(w))

    return {
        "add_video": w.picker.choose_file, "settings": w.dialogs.settings, "quit": w.confirm_quit,
        "shortcuts": w.dialogs.shortcuts, "refresh": w.picker.refresh, "filter": w.focus_filter,
        "focus_videos": lambda: w.picker.view.setFocus(), "focus_form": later(lambda w: w.focus_prompt()),
        "focus_jobs": later(lambda w: w.jobs.view.setFocus()),
        "focus_player": later(lambda w: w.show_player().play_button.setFocus()),
        "show_player": lambda: w.set_player_shown(w.actions_by_name["show_player"].isChecked()),
        "extend": later(lambda w: w.form.trigger_extend()), "save_preset": later(lambda w: w.form.presets.ask_name()),
        "play_pause": later(lambda w: w.show_player().toggle_play()),
        "frame_back": later(lambda w: w.show_player().step(-1)),
        "frame_next": later(lambda w: w.show_player().step(1)),
        "mute": later(lambda w: w.show_player().mute_button.toggle()),
        "loop": later(lambda w: w.show_player().loop_button.toggle()),
        "seek_back": later(lambda w: w.show_player().seek(-1000)),
        "seek_forward": later(lambda w: w.show_player().seek(1000)),
        "slower": later(lambda w: w.show_player().change_speed(-1)),
        "faster": later(lambda w: w.show_player().change_speed(1)),
        "compare": later(_compare),
    }


def _compare(w: "MainWindow") -> None:
    """C: the A | B view, or why there is none (the key did nothing at all; new-user pass)."""
    if w.player.compare_button.isEnabled():
        w.show_player().compare_button.toggle()
    else:
        w.show_status(QCoreApplication.translate(
            "Menus", "Nothing to compare: A | B shows a finished job's result beside its source. Play a job's "
                     "result first."))


MENUS = (
    (QT_TRANSLATE_NOOP("Menus", "&File"), ("add_video", "settings", None, "quit")),
    (QT_TRANSLATE_NOOP("Menus", "&View"),
     ("refresh", "filter", None, "focus_videos", "focus_form", "focus_jobs", "focus_player", None,
      "show_player")),
    (QT_TRANSLATE_NOOP("Menus", "&Extend"), ("extend", "save_preset")),
    (QT_TRANSLATE_NOOP("Menus", "&Player"), ("play_pause", "frame_back", "frame_next", "seek_back",
                                             "seek_forward", None, "slower", "faster", None, "compare",
                                             "mute", "loop")),
    (QT_TRANSLATE_NOOP("Menus", "&Help"), ("shortcuts", None, "open_logs", "about")),
)


def build_menus(w: "MainWindow") -> dict[str, QAction]:
    """Fills ``w.menuBar()``; returns the actions by name (the toolbar reuses some)."""
    slots = handlers(w)
    actions: dict[str, QAction] = {
        name: shortcuts.make_action(w, name, slot) for name, slot in slots.items()}
    actions["open_logs"] = QAction(QCoreApplication.translate("Menus", "Open logs folder"), w)
    actions["open_logs"].triggered.connect(lambda: show_logs_folder(w))
    actions["about"] = QAction(QCoreApplication.translate("Menus", "About PixVerse Desktop"), w)
    actions["about"].triggered.connect(lambda: w.dialogs.about())
    actions["about"].setMenuRole(QAction.MenuRole.AboutRole)
    actions["show_player"].setCheckable(True)
    actions["show_player"].setChecked(True)
    actions["show_player"].setStatusTip(QCoreApplication.translate(
        "Menus", "Without the player the window fits half of a wide screen; playing a result shows it again"))
    actions["settings"].setMenuRole(QAction.MenuRole.PreferencesRole)
    actions["quit"].setMenuRole(QAction.MenuRole.QuitRole)
    bar = w.menuBar()
    bar.setAccessibleName(QCoreApplication.translate("Menus", "Menu bar"))
    for title, names in MENUS:
        menu = bar.addMenu(QCoreApplication.translate("Menus", title))
        menu.setObjectName("menu_" + title.strip("&").lower())
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])
    for action in actions.values():
        w.addAction(action)   # keys work even while the menu bar is hidden (e.g. full screen)
    return actions
