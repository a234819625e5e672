"""The useapi.net PixVerse v2 client: typed payloads, validation, error mapping. No Qt here."""

from .client import PixverseClient, api_base_from_env
from .errors import (
    AccountPendingError, ApiError, BadAddress, BadRequest, Busy, BusyKind, ErrorKind, FieldError, InsufficientCredits,
    InvalidInput, InvalidResponse, Moderated, NotFound, Transient, Unauthorized,
)
from .schemas import Account, Effect, ExtendRequest, UploadResult, Video, VideoStatus
from .transport import make_http_client

__all__ = [
    "PixverseClient", "api_base_from_env", "make_http_client", "AccountPendingError", "ApiError",
    "BadAddress", "BadRequest", "Busy", "BusyKind", "ErrorKind", "FieldError", "InsufficientCredits", "InvalidInput",
    "InvalidResponse", "Moderated", "NotFound", "Transient", "Unauthorized", "Account", "Effect",
    "ExtendRequest", "UploadResult", "Video", "VideoStatus",
]
