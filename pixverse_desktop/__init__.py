"""PixVerse Desktop: extend AI-generated clips through the useapi.net PixVerse API."""

__version__ = "0.1.0"
APP_ID = "net.pixverse_desktop.PixVerseDesktop"
APP_NAME = "PixVerse Desktop"
KEYRING_SERVICE = "pixverse-desktop"
DEFAULT_API_BASE = "https://api.useapi.net/v2/pixverse"

# The terminal commands, one line each: the window's --help lists them without importing the cli
# (which loads httpx and the engine); each command's own --help starts with its line.
COMMAND_SUMMARIES = {
    "extend": "extend a video: send an extend-v3 job and follow it",
    "videos": "list every video of the PixVerse account(s) on the service",
    "jobs": "list the jobs in the local journal (with --wait: resume and follow the unfinished ones)",
    "download": "download the result of a job (or of any finished video) into a folder",
}

# The options every command takes (cli.options' common parser), with whether each takes a value: given
# before the command (`pixverse-desktop --api-base URL videos`), the entry point moves them after it.
SHARED_COMMAND_OPTIONS = {"--api-base": True, "--data-dir": True, "--json": False}
