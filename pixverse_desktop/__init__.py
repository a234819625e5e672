"""PixVerse Desktop: extend AI-generated clips through the useapi.net PixVerse API."""

__version__ = "0.1.0"
APP_ID = "net.pixverse_desktop.PixVerseDesktop"
APP_NAME = "PixVerse Desktop"
KEYRING_SERVICE = "pixverse-desktop"
DEFAULT_API_BASE = "https://api.useapi.net/v2/pixverse"
