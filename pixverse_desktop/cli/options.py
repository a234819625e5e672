"""The command line's words: its commands, options and exit codes (``cli`` runs them)."""

from __future__ import annotations

import argparse

from pixverse_desktop import COMMAND_SUMMARIES as SUMMARIES, DEFAULT_API_BASE, __version__
from pixverse_desktop.api.schemas import DURATIONS, SEED_MAX, SEED_MIN

COMMANDS = set(SUMMARIES)

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_AUTH, EXIT_CREDITS = 0, 1, 2, 3, 4
EXIT_MODERATED, EXIT_FAILED, EXIT_BUSY, EXIT_NETWORK, EXIT_ACCOUNT, EXIT_TIMEOUT = 5, 6, 7, 8, 9, 10
EXIT_IN_USE, EXIT_NOT_READY = 11, 12
EXIT_PIPE = 141   # what a shell reports for a command killed by SIGPIPE (`... | head`)

EXIT_CODES_HELP = """exit codes:
  0  success (with --wait: the video is COMPLETED)
  1  any other error
  2  invalid input: refused before sending, or by the service (400)
  3  authorization: no token, or the token was refused (401)
  4  no credits left on the PixVerse account (412)
  5  the prompt was rejected by moderation (422)
  6  the generation failed, or the job needs attention
  7  still busy (429) when --busy-timeout ran out
  8  network: the service could not be reached or kept failing (--network-timeout)
  9  the PixVerse account has a pending error (596)
 10  gave up waiting (--timeout): a sent job keeps running, `jobs --wait` follows it
 11  the job journal is in use: the app or another command is running its jobs
 12  download: the job or video is not finished yet (nothing to download so far)
"""


# How cli.common.read_token and cli.common.Session really find the token and the service; keep them in step.
TOKEN_NOTE = """
token: read from the USEAPI_TOKEN environment variable, or else from the OS keyring, where the
  window saves it (Settings → API token; one used "for this session only" is not saved there).
  It never appears in any output.
service: --api-base URL, or the PIXVERSE_API_BASE environment variable, points the command at
  another server, e.g. the local simulator: `pixverse-simulator --port 8765` prints its base URL
  and token (export them as PIXVERSE_API_BASE and USEAPI_TOKEN).
"""

EXTEND_NOTE = """
output: once the job is accepted (with --wait: completed), one tab-separated line: video_id, status,
  result URL. A job that fails or is not sent prints nothing on stdout and says why on stderr, in one
  `error:` or `Gave up:` line. --json always prints the job as one JSON object.
"""
VIDEOS_NOTE = """
output: one line per video (video_id, status, duration, prompt), tab-separated; in a terminal the
  columns are aligned under a header row. --json prints one JSON array instead.
"""
JOBS_NOTE = """
output: one line per job (the short id `download` takes, status, video_id, prompt), tab-separated;
  in a terminal the columns are aligned under a header row. --json prints one JSON array instead.
Without --wait this reads only the local journal: no token and no network are needed. With --wait
it talks to the service, and needs both.
"""
DOWNLOAD_NOTE = """
It prints the saved file's path (--json: {"path": ..., "video_id": ...}).
"""
OTHER_EXIT_CODES = """
exit codes: 0 on success; the others are those listed by `pixverse-desktop extend --help`.
"""


def seed(text: str) -> int:
    """Plain digits only, as in the window: int() would also read "4_2" and "+42" as 42."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"not a seed: {text!r} (a whole number from {SEED_MIN} to {SEED_MAX}, "
                                         "digits only)")   # the range too, as for 0 (CLI pass)
    return int(text)


def seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text}")
    return value


class CommandParser(argparse.ArgumentParser):
    """The top-level parser. argparse hands an option no subcommand knows back up to the top level,
    whose error then showed `usage: pixverse-desktop [-h] COMMAND ...` for `videos --demo`; here the
    command's own parser reports it, with the command's usage."""

    commands: dict[str, argparse.ArgumentParser]

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            owner = self.commands.get(getattr(namespace, "command", None) or "", self)
            owner.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace


def build_parser() -> CommandParser:
    parser = CommandParser(
        prog="pixverse-desktop", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Extend videos through the useapi.net PixVerse API (run without a command for the window).",
        epilog=EXIT_CODES_HELP + TOKEN_NOTE)
    parser.add_argument("--version", action="version", version=f"pixverse-desktop {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--api-base", help=f"API base URL (default {DEFAULT_API_BASE}; env PIXVERSE_API_BASE)")
    common.add_argument("--data-dir", help="where the job journal lives (default: the platform data folder)")
    common.add_argument("--json", action="store_true", help="print only JSON on stdout")
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")

    ext = sub.add_parser("extend", parents=[common],
                         **_texts("extend", EXTEND_NOTE + "\n" + EXIT_CODES_HELP + TOKEN_NOTE),
                         usage="pixverse-desktop extend (--video-id ID | --file PATH | --video-path PATH) "
                               "--prompt TEXT [options]")
    source = ext.add_mutually_exclusive_group(required=True)
    source.add_argument("--video-id", help="a video from `videos`")
    source.add_argument("--file", help="a local video to upload first")
    source.add_argument("--video-path", help="the path of an already uploaded file")
    ext.add_argument("--prompt", required=True, help="what should happen next in the video (1-2048 characters)")
    ext.add_argument("--negative-prompt", help="what to avoid (optional)")
    ext.add_argument("--duration", type=int, choices=DURATIONS, default=5, help="seconds added (default 5)")
    ext.add_argument("--quality", choices=["360p", "540p"], default="540p", help="resolution (default 540p)")
    ext.add_argument("--motion-mode", "--motion", dest="motion_mode", choices=["normal", "fast"], default="normal",
                     help="how much moves (default normal; fast needs --duration 5)")
    ext.add_argument("--style", choices=["anime", "3d_animation", "clay"], help="a look (default: none)")
    ext.add_argument("--seed", type=seed, help="a fixed seed repeats a result (default: random)")
    ext.add_argument("--template-id", type=int, help="an effect template (see the window's Effect list)")
    ext.add_argument("--email", help="the PixVerse account to use (default: the service picks)")
    wm = ext.add_mutually_exclusive_group()
    wm.add_argument("--remove-watermark", dest="remove_watermark", action="store_true", default=None,
                    help="ask for the video without PixVerse's watermark (default: the service's choice)")
    wm.add_argument("--keep-watermark", dest="remove_watermark", action="store_false",
                    help="ask for the watermark to stay")
    ext.add_argument("--reply-url", help="an http(s) address the service calls on every status change")
    ext.add_argument("--reply-ref", help="a reference passed back in those calls")
    ext.add_argument("--max-jobs", type=int, help="the account's concurrent-job limit to set with this job")
    ext.add_argument("--wait", action="store_true", help="wait until the video is final")
    _sending_limits(ext)
    ext.add_argument("--timeout", type=seconds, default=3 * 3600.0,
                     help="give up waiting after this many seconds (default 10800; exit 10)")
    ext.add_argument("--poll-min", type=float, default=2.0, help=argparse.SUPPRESS)

    vids = sub.add_parser("videos", parents=[common],
                          **_texts("videos", VIDEOS_NOTE + OTHER_EXIT_CODES + TOKEN_NOTE))
    vids.add_argument("--email", help="the PixVerse account (default: every account)")
    jobs = sub.add_parser("jobs", parents=[common], **_texts("jobs", JOBS_NOTE + OTHER_EXIT_CODES + TOKEN_NOTE))
    jobs.add_argument("--wait", action="store_true",
                      help="resume unfinished jobs (reconciling interrupted sends) and wait until all are final")
    jobs.add_argument("--retry", metavar="ID",
                      help="send a job that failed or needs attention again, as a new job (the id or its first "
                           "characters, from `jobs`), and follow it as extend does; with --wait until it is final")
    jobs.add_argument("--timeout", type=seconds, default=3 * 3600.0,
                      help="with --wait: give up after this many seconds (default 10800; exit 10)")
    _sending_limits(jobs, " (with --retry)")
    jobs.add_argument("--poll-min", type=float, default=2.0, help=argparse.SUPPRESS)
    dl = sub.add_parser("download", parents=[common],
                        **_texts("download", DOWNLOAD_NOTE + OTHER_EXIT_CODES + TOKEN_NOTE))
    dl.add_argument("id", help="a job id (or its first characters) from `jobs`, or a video_id")
    dl.add_argument("--dir", help="target folder (default: the library folder from the settings)")
    parser.commands = dict(sub.choices)
    return parser


def _sending_limits(parser: argparse.ArgumentParser, when: str = "") -> None:
    """How long a command that sends a job waits for a slot or for the service, before it gives up."""
    parser.add_argument("--busy-timeout", type=seconds, default=900.0,
                        help=f"give up (exit 7) when no slot frees up within this many seconds (default 900){when}")
    parser.add_argument("--network-timeout", type=seconds, default=60.0,
                        help="give up (exit 8) when the service cannot be reached for this many seconds "
                             f"(default 60); the job is then not sent{when}")


def _texts(command: str, epilog: str) -> dict:
    summary = SUMMARIES[command]
    return {"help": summary, "description": summary[0].upper() + summary[1:] + ".", "epilog": epilog,
            "formatter_class": argparse.RawDescriptionHelpFormatter}
