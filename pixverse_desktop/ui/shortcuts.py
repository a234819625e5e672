"""Every keyboard shortcut, in one table: the actions are made from it and the help dialog lists it.

A shortcut only exists if it is in :data:`SHORTCUTS`, so the "Keyboard shortcuts" dialog
(shortcuts_dialog.py) cannot fall out of date. Texts are marked for lupdate with ``QT_TRANSLATE_NOOP`` and translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QComboBox, QWidget

CONTEXT = "Shortcuts"


@dataclass(frozen=True)
class Shortcut:
    name: str
    text: str                  # English; translated with QCoreApplication.translate(CONTEXT, text)
    keys: tuple[str, ...]      # portable QKeySequence strings, the first one is shown in menus
    group: str                 # heading in the help dialog (a key of GROUPS)
    where: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut


GROUPS = {
    "app": QT_TRANSLATE_NOOP("Shortcuts", "Application"),
    "videos": QT_TRANSLATE_NOOP("Shortcuts", "Videos and navigation"),
    "form": QT_TRANSLATE_NOOP("Shortcuts", "Extend form"),
    "jobs": QT_TRANSLATE_NOOP("Shortcuts", "Job list (when it has the focus)"),
    "player": QT_TRANSLATE_NOOP("Shortcuts", "Player"),
    "presets": QT_TRANSLATE_NOOP("Shortcuts", "Presets list (Settings → Presets)"),
}

# Groups whose actions a dialog makes when it opens (Settings → Presets), not the main window.
IN_DIALOGS = frozenset({"presets"})

_LOCAL = Qt.ShortcutContext.WidgetWithChildrenShortcut

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("add_video", QT_TRANSLATE_NOOP("Shortcuts", "Add a local video…"), ("Ctrl+O",), "app"),
    Shortcut("settings", QT_TRANSLATE_NOOP("Shortcuts", "Settings…"), ("Ctrl+,",), "app"),
    Shortcut("shortcuts", QT_TRANSLATE_NOOP("Shortcuts", "Keyboard shortcuts"), ("F1", "Ctrl+/"), "app"),
    Shortcut("quit", QT_TRANSLATE_NOOP("Shortcuts", "Quit"), ("Ctrl+Q",), "app"),
    Shortcut("refresh", QT_TRANSLATE_NOOP("Shortcuts", "Refresh the video list"), ("F5",), "videos"),
    Shortcut("filter", QT_TRANSLATE_NOOP("Shortcuts", "Filter the videos"), ("Ctrl+F",), "videos"),
    Shortcut("focus_videos", QT_TRANSLATE_NOOP("Shortcuts", "Go to the videos"), ("Alt+1",), "videos"),
    Shortcut("video_prompt", QT_TRANSLATE_NOOP("Shortcuts", "On to the prompt (in the video list)"),
             ("Return", "Enter"), "videos", _LOCAL),
    Shortcut("focus_form", QT_TRANSLATE_NOOP("Shortcuts", "Go to the prompt"), ("Alt+2",), "videos"),
    Shortcut("focus_jobs", QT_TRANSLATE_NOOP("Shortcuts", "Go to the jobs"), ("Alt+3",), "videos"),
    Shortcut("focus_player", QT_TRANSLATE_NOOP("Shortcuts", "Go to the player"), ("Alt+4",), "videos"),
    Shortcut("show_player", QT_TRANSLATE_NOOP("Shortcuts", "Show the player"), ("Ctrl+Shift+P",), "videos"),
    Shortcut("extend", QT_TRANSLATE_NOOP("Shortcuts", "Extend the source video"),
             ("Ctrl+Return", "Ctrl+Enter"), "form"),
    Shortcut("save_preset", QT_TRANSLATE_NOOP("Shortcuts", "Save the form as a preset…"), ("Ctrl+Shift+S",),
             "form"),
    Shortcut("job_play", QT_TRANSLATE_NOOP("Shortcuts", "Play the selected result"), ("Return", "Enter"),
             "jobs", _LOCAL),
    Shortcut("job_save", QT_TRANSLATE_NOOP("Shortcuts", "Save the selected result as…"), ("Ctrl+S",),
             "jobs", _LOCAL),
    Shortcut("job_extend_again", QT_TRANSLATE_NOOP("Shortcuts", "Extend the selected result again"),
             ("Ctrl+E",), "jobs", _LOCAL),
    Shortcut("job_copy", QT_TRANSLATE_NOOP("Shortcuts", "Copy the selected job's video ID"), ("Ctrl+C",),
             "jobs", _LOCAL),
    Shortcut("job_rerun", QT_TRANSLATE_NOOP("Shortcuts", "Re-run the selected job"), ("Ctrl+Shift+R",),
             "jobs", _LOCAL),
    Shortcut("job_retry", QT_TRANSLATE_NOOP("Shortcuts", "Retry the selected failed job"), ("Ctrl+R",),
             "jobs", _LOCAL),
    Shortcut("job_remove", QT_TRANSLATE_NOOP("Shortcuts", "Remove the selected job"), ("Delete",),
             "jobs", _LOCAL),
    Shortcut("job_undo_remove", QT_TRANSLATE_NOOP("Shortcuts", "Bring back the job removed last"), ("Ctrl+Z",),
             "jobs", _LOCAL),
    Shortcut("play_pause", QT_TRANSLATE_NOOP("Shortcuts", "Play / pause"), ("Space", "Media Play"), "player"),
    Shortcut("frame_back", QT_TRANSLATE_NOOP("Shortcuts", "Previous frame"), (",",), "player"),
    Shortcut("frame_next", QT_TRANSLATE_NOOP("Shortcuts", "Next frame"), (".",), "player"),
    Shortcut("mute", QT_TRANSLATE_NOOP("Shortcuts", "Mute / unmute"), ("M",), "player"),
    Shortcut("loop", QT_TRANSLATE_NOOP("Shortcuts", "Loop on / off"), ("L",), "player"),
    Shortcut("seek_back", QT_TRANSLATE_NOOP("Shortcuts", "Back 1 second"), ("Shift+Left",), "player"),
    Shortcut("seek_forward", QT_TRANSLATE_NOOP("Shortcuts", "Forward 1 second"), ("Shift+Right",), "player"),
    Shortcut("slower", QT_TRANSLATE_NOOP("Shortcuts", "Slower"), ("[",), "player"),
    Shortcut("faster", QT_TRANSLATE_NOOP("Shortcuts", "Faster"), ("]",), "player"),
    Shortcut("compare", QT_TRANSLATE_NOOP("Shortcuts", "Compare with the source (A | B) on / off"), ("C",),
             "player"),
    Shortcut("preset_rename", QT_TRANSLATE_NOOP("Shortcuts", "Rename the selected preset…"), ("F2",),
             "presets", _LOCAL),
    Shortcut("preset_delete", QT_TRANSLATE_NOOP("Shortcuts", "Delete the selected preset…"), ("Delete",),
             "presets", _LOCAL),
)
BY_NAME = {s.name: s for s in SHORTCUTS}


def text(name: str) -> str:
    return QCoreApplication.translate(CONTEXT, BY_NAME[name].text)


def sequences(name: str) -> list[QKeySequence]:
    return [QKeySequence(k) for k in BY_NAME[name].keys]


def native(name: str) -> str:
    """The keys as the platform writes them (⌘O on macOS, Ctrl+O elsewhere), for tooltips and lists."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences(name))


def primary(name: str) -> str:
    """The first key only (tooltips)."""
    return sequences(name)[0].toString(QKeySequence.SequenceFormat.NativeText)


# A lone "," or "." is easy to miss in a list: the help dialog names them.
_SPELLED = {",": QT_TRANSLATE_NOOP("Shortcuts", "Comma"), ".": QT_TRANSLATE_NOOP("Shortcuts", "Period")}


def spelled(name: str) -> str:
    keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences(name)]
    return "  or  ".join(f"{QCoreApplication.translate(CONTEXT, _SPELLED[k])} ( {k} )" if k in _SPELLED else k
                         for k in keys)


def make_action(parent: QObject, name: str, slot: Callable[[], object] | None = None,
                label: str | None = None) -> QAction:
    """A QAction with the table's text (or ``label``), keys and context; ``slot`` on trigger."""
    spec = BY_NAME[name]
    action = QAction(label or text(name), parent)
    action.setObjectName("action_" + name)
    action.setShortcuts(sequences(name))
    action.setShortcutContext(spec.where)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    return action


class KeysForControls(QObject):
    """Lets a focused control keep the plain keys it needs although a window shortcut uses them.

    Space plays/pauses and M, L, C, "[", "]", "," and "." drive the player from anywhere, but a focused button or
    check box needs Space to be pressed, and a combo box or list needs letters to jump to an item
    (except a list whose "typeAhead" property is False). A list keeps letters and digits only: "[", "]", "," and "." jump to nothing there, and a click on a
    video leaves the focus in its list, where they did nothing at all (new-user pass). (Text fields
    already claim printable keys themselves.)

    It watches each such control from the moment it first takes the focus (the key goes to the
    focused widget), not the whole application: an application-wide filter sees every event of every
    object (paints, timers, polishing) in Python, and wrapping objects Qt made itself had PySide6 build
    the Python types of every QObject class loaded, ~100 of them at the first polish (~45 ms of
    start-up, bench_startup).
    """

    _CONTROLS = (QAbstractButton, QComboBox, QAbstractItemView)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, self._CONTROLS):
            new.installEventFilter(self)   # again on each focus: Qt keeps one filter of a kind

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        plain = event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and \
            event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        if not plain:
            return False
        # A list marked typeAhead=False (the video list, where jumping to the video whose title starts
        # with the letter chose another source unasked: "C" meant compare; new-user pass) leaves
        # letters to the shortcuts, and those without one to nothing.
        jumps = obj.property("typeAhead") is not False
        if event.type() == QEvent.Type.KeyPress:
            return not jumps and event.text().isalnum() and isinstance(obj, QAbstractItemView)
        space = event.key() == Qt.Key.Key_Space
        printable = bool(event.text()) and event.text().isprintable() and not space
        if (space and isinstance(obj, (QAbstractButton, QComboBox))) or \
                (printable and isinstance(obj, QComboBox)) or \
                (jumps and event.text().isalnum() and isinstance(obj, QAbstractItemView)):
            event.accept()   # the control takes the key; the shortcut does not fire
        return False
