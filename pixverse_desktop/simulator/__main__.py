"""``python -m pixverse_desktop.simulator`` / ``pixverse-simulator``: run the simulator from a shell.

Prints the base URL, the token and the accounts (as KEY=value lines a script can parse, plus a
ready-to-paste curl line), flushes, then serves until SIGINT or SIGTERM. The app's --demo mode runs it
as a child process (simulator/process.py) with ``--announce`` and ``--exit-with-stdin``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import threading
from typing import Sequence

from .config import AccountConfig, SimulatorConfig
from .process import ANNOUNCE


def parse_accounts(spec: str) -> list[AccountConfig]:
    """``a@x:maxJobs:credits[:planLimit][:pending],b@y`` → AccountConfig list."""
    accounts = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        fields = item.split(":")
        try:
            email = fields[0]
            max_jobs = int(fields[1]) if len(fields) > 1 and fields[1] else 3
            credits = int(fields[2]) if len(fields) > 2 and fields[2] else 100
            plan_limit = int(fields[3]) if len(fields) > 3 and fields[3] else None
            pending = len(fields) > 4 and fields[4].lower() in ("pending", "1", "true")
            accounts.append(AccountConfig(email, max_jobs=max_jobs, credits=credits, plan_limit=plan_limit,
                                          pending_error=pending))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"bad account {item!r}: {exc}") from None
    if not accounts:
        raise argparse.ArgumentTypeError("at least one account is needed")
    return accounts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pixverse-simulator",
                                     description="Local useapi.net PixVerse v2 simulator with real media.")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--token", help="API token to accept (default: a random one, printed)")
    parser.add_argument("--accounts", type=parse_accounts,
                        help="comma-separated email:maxJobs:credits[:planLimit][:pending]")
    parser.add_argument("--demo", action="store_true", help="the demo configuration (two accounts)")
    parser.add_argument("--queue-seconds", type=float, help="how long a job stays QUEUED (default 2)")
    parser.add_argument("--generate-seconds", type=float, help="how long a job stays GENERATING (default 6)")
    parser.add_argument("--seed-videos", type=int, help="sample videos per account at start-up (default 8)")
    parser.add_argument("--media-dir", help="where rendered media is cached (default: a temp dir)")
    parser.add_argument("--announce", action="store_true",
                        help=f"print one line '{ANNOUNCE} {{json}}' (base URL, token, clock) once listening, "
                             "instead of the human-readable banner")
    parser.add_argument("--exit-with-stdin", action="store_true",
                        help="stop when standard input closes (the parent process ended, however it ended)")
    return parser


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    config = SimulatorConfig.demo() if args.demo else SimulatorConfig()
    if args.token:
        config.token = args.token
    if args.accounts:
        config.accounts = args.accounts
    for name in ("queue_seconds", "generate_seconds", "seed_videos", "media_dir"):
        value = getattr(args, name)
        if value is not None:
            setattr(config, name, value)
    config.__post_init__()
    return config


async def serve(config: SimulatorConfig, host: str, port: int, announce: bool = False,
                exit_with_stdin: bool = False) -> None:
    from .runner import Simulator  # aiohttp and the rest: after argument errors are reported

    sim = Simulator(config)
    await sim.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    if exit_with_stdin:
        _stop_when_stdin_closes(loop, stop)
    try:
        if announce:
            print(ANNOUNCE, json.dumps({"base_url": sim.base_url, "token": config.token,
                                        "queue_seconds": config.queue_seconds,
                                        "generate_seconds": config.generate_seconds}), flush=True)
        else:
            _print_banner(sim, config)
        await stop.wait()
    except BrokenPipeError:   # whoever started us is gone: nobody to serve
        pass
    finally:
        await sim.stop()
        if not announce:
            print("Simulator stopped.", flush=True)


def _stop_when_stdin_closes(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """A parent killed outright (SIGKILL, a crash) cannot stop its child; the end of the pipe it held
    is the one signal that always arrives. A daemon thread, so a signal-stopped server exits too; it
    reads the descriptor itself, not ``sys.stdin``: a daemon thread blocked inside the buffered reader
    holds its lock, and the interpreter's exit after a Ctrl+C or SIGTERM then died on it with "Fatal
    Python error: could not acquire lock for <stdin>"."""
    fd = sys.stdin.fileno()

    def wait() -> None:
        while os.read(fd, 4096):
            pass
        try:
            loop.call_soon_threadsafe(stop.set)
        except RuntimeError:  # the loop already ended
            pass

    threading.Thread(target=wait, name="stdin-watch", daemon=True).start()


def _print_banner(sim, config: SimulatorConfig) -> None:
    accounts = ",".join(a.email for a in config.accounts)
    print("PixVerse simulator (useapi.net v2) is running.")
    print(f"PIXVERSE_API_BASE={sim.base_url}")
    print(f"USEAPI_TOKEN={config.token}")
    print(f"ACCOUNTS={accounts}")
    for account in config.accounts:
        print(f"  account {account.email}: maxJobs={account.max_jobs} credits={account.credits}"
              + (f" planLimit={account.plan_limit}" if account.plan_limit else "")
              + (" pending-error" if account.pending_error else ""))
    first = config.accounts[0].email if config.accounts else ""
    print(f'Try: curl "{sim.base_url}/videos/?email={first}" -H "Accept: application/json" '
          f'-H "Authorization: Bearer {config.token}"')
    print("Press Ctrl+C to stop.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(config, args.host, args.port, args.announce, args.exit_with_stdin))
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
