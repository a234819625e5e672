"""Entry point: the command-line face for `extend|videos|jobs|download`, otherwise the window.

Owns the one qasync event loop: everything network-bound is a coroutine on it, inside the Qt loop.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from pixverse_desktop import COMMAND_SUMMARIES, SHARED_COMMAND_OPTIONS, __version__   # constants only

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from pixverse_desktop.simulator.process import SimulatorProcess

# Only os and sys above: the demo's simulator is spawned before anything else is imported (see
# _early_demo_simulator); argparse, asyncio, logging and the rest are imported where they are used.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FROZEN_SIMULATOR_FLAG = "--run-demo-simulator"   # simulator.process.FROZEN_FLAG (not imported: cost)


def _commands_help() -> str:
    width = max(map(len, COMMAND_SUMMARIES))
    lines = "\n".join(f"  {name:<{width}}  {summary}" for name, summary in COMMAND_SUMMARIES.items())
    return f"commands for the terminal (`pixverse-desktop COMMAND --help` tells more):\n{lines}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="pixverse-desktop", formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [options] [FILE ...]\n       %(prog)s COMMAND [options]   "
              f"(COMMAND: {' | '.join(COMMAND_SUMMARIES)})",
        description="Extend PixVerse videos through useapi.net. Without a command this starts the window;\n"
                    "FILEs given to it are uploaded as sources.\n\n" + _commands_help())
    parser.add_argument("--version", action="version", version=f"pixverse-desktop {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="run against the embedded simulator: no token, no network, sample videos")
    parser.add_argument("--smoke-test", action="store_true",
                        help="start, paint the window with its videos loaded, exit 0 (non-zero on error)")
    parser.add_argument("--api-base", metavar="URL", help="API base URL (also PIXVERSE_API_BASE)")
    parser.add_argument("--data-dir", metavar="DIR", type=Path, help="where the job journal and library live")
    parser.add_argument("--theme", choices=("system", "light", "dark"), help="colour scheme for this run")
    parser.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS,
                        default=os.environ.get("PIXVERSE_LOG_LEVEL", "INFO").upper(),
                        help="how much goes into the log file (also PIXVERSE_LOG_LEVEL; default INFO)")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="video files to upload as sources once the window is up (file managers pass "
                             "them through the .desktop file's %%F)")
    args = parser.parse_args(argv)
    args.files = [_local_path(f) for f in args.files]
    return args


def _local_path(arg: str) -> str:
    """An absolute path; a file:// URL (some launchers pass those even for %F) becomes its path."""
    if arg.startswith("file://"):
        from urllib.parse import unquote, urlparse

        arg = unquote(urlparse(arg).path)
    from pathlib import Path

    return str(Path(arg).expanduser().absolute())


def configure_logging(args: argparse.Namespace) -> Path:
    """The app's one log set-up: core.logs' rotating, token-redacting file in the platform log dir."""
    import logging
    import platform

    from PySide6 import __version__ as pyside_version

    from pixverse_desktop import __version__
    from pixverse_desktop.core.logs import setup_logging

    path = setup_logging(args.log_level, console=args.smoke_test)
    # system/release/machine, not platform.platform(): that one also reads the C library's version out
    # of the Python executable, 8 ms of every start for a log line.
    logging.getLogger("pixverse_desktop").info(
        "PixVerse Desktop %s starting: Python %s, PySide6 %s, %s %s %s; log %s", __version__,
        platform.python_version(), pyside_version, platform.system(), platform.release(), platform.machine(), path)
    return path


def _early_demo_simulator(argv: list[str]) -> SimulatorProcess | None:
    """The demo's simulator, spawned first thing: the child takes ~200 ms to listen, the window about
    as long to import Qt and the app, and spawned after the entry point's own imports (asyncio alone
    is ~50 ms) the window's first requests waited 30-55 ms for it in 4 of 10 starts (bench_startup).
    Only for a plain ``--demo`` start of the window; an abbreviated flag is caught by run_gui."""
    if "--demo" not in argv or {"-h", "--help", "--version"} & set(argv):
        return None
    from pixverse_desktop.simulator.process import SimulatorProcess

    return SimulatorProcess.spawn()


def run_gui(args: argparse.Namespace, sim_process: SimulatorProcess | None = None) -> int:
    import gc

    # No cyclic garbage collection while the app starts: its imports and window make ~70,000 objects
    # that live as long as the app, and the collector walked them again and again on the way (-40 to
    # -60 ms of start-up, bench_startup). Application.start freezes them and turns it back on.
    gc.disable()
    if sim_process is not None and not args.demo:   # "--demo" was an argument's value after all
        sim_process.stop()
        sim_process = None
    if args.demo and sim_process is None:
        # Before Qt and the app load: the simulator then starts on the other core meanwhile.
        from pixverse_desktop.simulator.process import SimulatorProcess

        sim_process = SimulatorProcess.spawn()
    try:
        return _run_window(args, sim_process)
    finally:
        if sim_process is not None:
            sim_process.stop()   # already stopped on a clean exit; here for the error paths


def _import_qt_free_layers() -> None:
    """The layers without Qt, imported before Qt itself. Once PySide6 is loaded, its import hook
    (shibokensupport.feature) reads the source file of every module imported after it, looking for
    the word "PySide6"; httpx's transport and the api, jobs and storage layers skip that read
    (-40 ms of start-up, bench_startup)."""
    from pixverse_desktop.api import http11  # noqa: F401 - the transport
    from pixverse_desktop.core import paths  # noqa: F401
    from pixverse_desktop.jobs import downloads, engine, store  # noqa: F401
    from pixverse_desktop.storage import secrets  # noqa: F401


def _quicker_pyside_import_hook() -> None:
    """PySide6's import hook (shibokensupport.feature, for its opt-in ``from __feature__ import``)
    asks of every module imported after PySide6 whether it "uses PySide", by reading the module's
    whole source through ``inspect.getsource`` and looking for the word "PySide6": ~100 modules and
    15-20 ms before the first frame (the standard library's included). The answer only decides
    whether a module may select features, and neither the standard library nor this app selects any:
    for those the answer is given from the file's place, without reading it; every other module
    (third-party code) is still read as before. Nothing changes if PySide6's internals differ."""
    feature = sys.modules.get("shibokensupport.feature")
    read_source = getattr(feature, "_mod_uses_pyside", None)
    if read_source is None or getattr(read_source, "quick", False):
        return
    stdlib = os.path.dirname(os.__file__) + os.sep
    ours = os.path.dirname(os.path.abspath(__file__)) + os.sep

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None) or ""
        if path.startswith(ours):
            return True   # as the source scan says of the ui layer; no feature is selected either way
        if path.startswith(stdlib) and "-packages" not in path:   # not site-/dist-packages within it
            return False
        return read_source(module)

    uses_pyside.quick = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside


QUIET_QT = "qt.multimedia.*.debug=false;qt.multimedia.*.info=false;qt.multimedia.symbolsresolver.warning=false"


def _run_window(args: argparse.Namespace, sim_process) -> int:
    import asyncio
    import logging

    if args.log_level != "DEBUG":
        # Qt Multimedia tells the terminal at every start which optional libraries it did not find
        # (VA-API, PipeWire) and its FFmpeg version: ten lines that read like errors. Its real warnings
        # stay; --log-level DEBUG or a QT_LOGGING_RULES of one's own shows everything.
        os.environ.setdefault("QT_LOGGING_RULES", QUIET_QT)
    _import_qt_free_layers()
    import qasync   # loads PySide6.QtCore, and with it PySide6's import hook

    _quicker_pyside_import_hook()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from pixverse_desktop import APP_ID, APP_NAME, __version__
    from pixverse_desktop.app import AppOptions, run
    from pixverse_desktop.ui.error_dialog import ExceptHook
    from pixverse_desktop.ui.translations import install_translators

    configure_logging(args)
    # Fractional scale factors (125 %, 150 %) as they are, not rounded: icons are drawn for any ratio.
    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setApplicationName(APP_NAME)
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName(APP_ID)
    qapp.setQuitOnLastWindowClosed(False)   # the loop ends the app, after a clean shutdown
    translators = install_translators(qapp)  # noqa: F841 - kept alive for the run
    hook = ExceptHook(parent=qapp.activeWindow, show_dialog=not args.smoke_test).install()
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)

    def loop_errors(_loop, context) -> None:
        exc = context.get("exception")
        if exc is not None and not isinstance(exc, asyncio.CancelledError):
            hook(type(exc), exc, exc.__traceback__)
        else:
            logging.getLogger("asyncio").error(context.get("message", "asyncio error"))

    loop.set_exception_handler(loop_errors)
    options = AppOptions(demo=args.demo, smoke_test=args.smoke_test, api_base=args.api_base,
                         data_dir=args.data_dir, theme=args.theme, files=args.files,
                         sim_process=sim_process)
    try:
        with loop:
            coro = run(qapp, options, hook.errors)
            if args.smoke_test:
                coro = asyncio.wait_for(coro, 120)
            return loop.run_until_complete(coro)
    except Exception as exc:  # noqa: BLE001 - reported (redacted), then a non-zero exit
        hook(type(exc), exc, exc.__traceback__)
        return 1
    finally:
        hook.uninstall()


def _skip_httpx_cli() -> None:
    """httpx's package imports its command-line tool whenever rich, click and pygments happen to be
    installed (httpx[cli], or any other tool's dependencies: import-linter's in our test environment):
    ~55 ms of every start spent on a terminal UI nobody here runs. A ``None`` in sys.modules makes that
    optional import fail at once, as it does where those packages are absent; httpx falls back to a
    stub ``httpx.main`` and is otherwise unchanged. Only here, the entry point, before httpx loads."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    _skip_httpx_cli()
    if argv[:1] == [FROZEN_SIMULATOR_FLAG]:   # a frozen build's demo simulator (simulator/process.py)
        from pixverse_desktop.simulator.__main__ import main as simulator_main

        sys.exit(simulator_main(argv[1:]))
    argv = _command_first(argv)
    if argv and argv[0] in COMMAND_SUMMARIES:
        try:
            from pixverse_desktop import cli
        except ImportError as exc:   # a partial install without the command-line face
            print(f"pixverse-desktop: the {argv[0]!r} command is not installed ({exc})", file=sys.stderr)
            sys.exit(2)
        sys.exit(cli.main(argv))
    if argv and _mistyped_command(argv[0]):
        print(f"pixverse-desktop: no command {argv[0]!r}; the commands are {', '.join(COMMAND_SUMMARIES)} "
              "(without one, the window starts; files given to it are uploaded)", file=sys.stderr)
        sys.exit(2)
    late = next((a for a in argv[1:] if a in COMMAND_SUMMARIES and not os.path.exists(a)), None)
    if late:   # `--log-level DEBUG videos`: not a file to upload in a window
        print(f"pixverse-desktop: {late!r} is a command: give it first, then the options it takes "
              f"(pixverse-desktop {late} --help lists them)", file=sys.stderr)
        sys.exit(2)
    simulator = _early_demo_simulator(argv)
    try:
        args = parse_args(argv)
    except BaseException:   # --help's exit or a usage error: the child is not left to find out itself
        if simulator is not None:
            simulator.stop()
        raise
    sys.exit(run_gui(args, simulator))


def _command_first(argv: list[str]) -> list[str]:
    """`pixverse-desktop --api-base URL videos` as `pixverse-desktop videos --api-base URL`: options the
    commands share, given before the command, started the window with "videos" as a file to upload
    (CLI pass). Anything else before a command is left for the window's parser to refuse."""
    i = 0
    while i < len(argv) and argv[i].startswith("--"):
        name, _, value = argv[i].partition("=")
        if name not in SHARED_COMMAND_OPTIONS:
            return argv
        i += 2 if SHARED_COMMAND_OPTIONS[name] and not value else 1
    if 0 < i < len(argv) and argv[i] in COMMAND_SUMMARIES:
        return [argv[i], *argv[:i], *argv[i + 1:]]
    return argv


def _mistyped_command(arg: str) -> bool:
    """A bare word that is no file (`pixverse-desktop extnd`): it would open the window and try to
    upload "extnd". File managers pass paths or file:// URLs, which this never matches."""
    return (not arg.startswith("-") and not os.path.exists(arg) and "/" not in arg and os.sep not in arg
            and "." not in arg and ":" not in arg)


if __name__ == "__main__":
    main()
