"""``python -m pixverse_desktop.simulator`` / ``pixverse-simulator``: run the simulator from a shell.

Prints the base URL, the token and the accounts (as KEY=value lines a script can parse, plus a
ready-to-paste curl line), flushes, then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Sequence

from .config import AccountConfig, SimulatorConfig
from .runner import Simulator


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


async def serve(config: SimulatorConfig, host: str, port: int) -> None:
    sim = Simulator(config)
    await sim.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
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
    try:
        await stop.wait()
    finally:
        await sim.stop()
        print("Simulator stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(config, args.host, args.port))
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
