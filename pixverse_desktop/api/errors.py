"""Typed API errors and the one function that maps an HTTP answer to them.

Each error carries ``user_message``: a sentence a creator understands. Server text is kept (scrubbed of
the token) because 400 and 429 answers say what exactly was wrong.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

from pixverse_desktop.core.redact import redact

ACCOUNTS_HELP_URL = "https://useapi.net/docs/api-pixverse-v2/post-pixverse-accounts-email"
TOKEN_HELP_URL = "https://useapi.net/docs/start-here/setup-useapi"


class ErrorKind(enum.Enum):
    """Where the error belongs: on a form field, on the job row, or in the account banner."""

    INPUT = "input"
    JOB = "job"
    ACCOUNT = "account"
    TRANSIENT = "transient"


class ApiError(Exception):
    status: int | None = None
    kind: ErrorKind = ErrorKind.JOB
    retryable = False
    title = "The request failed"

    def __init__(self, server_message: str = "", *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        self.server_message = redact(server_message or "")
        if status is not None:
            self.status = status
        self.retry_after = retry_after
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        return self.title + (f": {self.server_message}" if self.server_message else ".")

    def __str__(self) -> str:
        return self.user_message


class BadRequest(ApiError):
    status = 400
    kind = ErrorKind.INPUT
    title = "The service did not accept these settings"


class Unauthorized(ApiError):
    status = 401
    kind = ErrorKind.ACCOUNT
    title = "Your useapi.net API token was not accepted"

    @property
    def user_message(self) -> str:
        return f"{self.title}. Enter a valid token (Settings → API token); get one at {TOKEN_HELP_URL}."


class CertificateStoreUnusable(ApiError):
    """The certificates that https connections are checked against could not be loaded: a setting of
    this computer to correct, not a passing fault, so nothing retries it; nothing was sent."""

    title = "Secure connections cannot be made: the certificate store could not be loaded"

    @property
    def user_message(self) -> str:
        return (f"{self.title} ({self.server_message}). Correct or unset SSL_CERT_FILE / SSL_CERT_DIR, "
                "then try again.")


class BadAddress(ApiError):
    """The address itself cannot be used (not an http:// or https:// URL): a setting to correct, not a
    passing fault, so nothing retries it."""

    kind = ErrorKind.INPUT
    title = "The address is not an http:// or https:// URL"

    @property
    def user_message(self) -> str:
        return (f"{self.title}: {self.server_message!r}. Check --api-base, PIXVERSE_API_BASE or the "
                "api_base setting.")


class NotFound(ApiError):
    status = 404
    title = "Not found"


class InsufficientCredits(ApiError):
    status = 412
    kind = ErrorKind.ACCOUNT
    title = "The PixVerse account has no credits left"

    @property
    def user_message(self) -> str:
        return (f"{self.title}. Top up the account on pixverse.ai or pick another account, "
                "then retry the job.")


class Moderated(ApiError):
    status = 422
    title = "PixVerse's moderator rejected the prompt"

    @property
    def user_message(self) -> str:
        return f"{self.title}. Reword the prompt (or the negative prompt) and submit again."


class BusyKind(enum.Enum):
    ACCOUNT_AT_MAX_JOBS = "account"
    UPSTREAM_LIMIT = "upstream"


class Busy(ApiError):
    status = 429
    retryable = True
    title = "All generation slots are busy"

    @property
    def busy_kind(self) -> BusyKind:
        text = self.server_message.lower()
        if "concurrent generations" in text or "reached the limit" in text:
            return BusyKind.UPSTREAM_LIMIT
        return BusyKind.ACCOUNT_AT_MAX_JOBS

    @property
    def user_message(self) -> str:
        if self.busy_kind is BusyKind.UPSTREAM_LIMIT:
            why = "PixVerse's plan allows no more concurrent generations right now"
        else:
            why = "the account is already running as many jobs as it may"
        return f"Waiting for a free slot: {why}. It will be tried again automatically."


class AccountPendingError(ApiError):
    status = 596
    kind = ErrorKind.ACCOUNT
    title = "The PixVerse account has a pending error"

    @property
    def user_message(self) -> str:
        return (f"{self.title} (its password was changed, or it is on hold). Nothing works on it until its "
                f"details are updated on useapi.net; how: {ACCOUNTS_HELP_URL}")


class Transient(ApiError):
    kind = ErrorKind.TRANSIENT
    retryable = True
    title = "The service could not be reached or answered with an error"
    # False only when the request surely never reached the service (connection refused / connect
    # timeout), so even a POST may be sent again; otherwise its outcome is unknown.
    may_have_arrived = True

    @property
    def what_happened(self) -> str:
        """The fault alone, for a face that retries by itself (the advice below is for a person)."""
        return f"{self.title}: {self.server_message}." if self.server_message else f"{self.title}."

    @property
    def user_message(self) -> str:
        return f"{self.what_happened} It is probably temporary; try again in a moment."


class InvalidResponse(Transient):
    title = "The service sent an answer that could not be read"

    @property
    def what_happened(self) -> str:
        # What was unreadable ("GET /videos answered something that is not JSON") is for the log, not
        # for a creator (new-user pass).
        return f"{self.title}."


@dataclass(frozen=True)
class FieldError:
    """``message`` is the English text; ``template`` and ``params`` let a face translate it first
    (``template.format(**dict(params))`` gives ``message``). Errors from the service have no template."""

    field: str
    message: str
    template: str = ""
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, field: str, template: str, **params: object) -> "FieldError":
        return cls(field, template.format(**params), template, tuple(params.items()))

    def text(self, translate=lambda template: template) -> str:
        """The message through ``translate`` (a face's translation of the template), then filled in."""
        if not self.template:
            return self.message
        try:
            return translate(self.template).format(**dict(self.params))
        except (KeyError, IndexError, ValueError):   # a translation with broken placeholders
            return self.message


class InvalidInput(ApiError):
    """Raised before anything is sent: the request breaks a documented rule."""

    kind = ErrorKind.INPUT
    title = "Please correct the form"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest, 401: Unauthorized, 403: Unauthorized, 404: NotFound, 412: InsufficientCredits,
    422: Moderated, 429: Busy, 596: AccountPendingError,
}


def _server_text(body: bytes) -> str:
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return text[:300]
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            if isinstance(data.get(key), str):
                return data[key]
    return ""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date; the documented 10-30 s back-off applies instead


def error_from_response(status: int, body: bytes, retry_after: str | None = None) -> ApiError:
    """The one mapping from a non-2xx HTTP answer to a typed error."""
    message = _server_text(body)
    cls = _BY_STATUS.get(status)
    if cls is None:
        if status >= 500 or status == 408:
            cls = Transient
            # The status once: "Upstream failure (HTTP 503)" was shown as "HTTP 503: Upstream failure
            # (HTTP 503)" (new-user pass).
            if f"HTTP {status}" not in message:
                message = f"{message} (HTTP {status})" if message else f"HTTP {status}"
        else:
            cls = ApiError
    return cls(message, status=status, retry_after=_retry_after(retry_after))


def error_from_transport(exc: BaseException) -> ApiError:
    """Timeouts, refused or reset connections, protocol errors; an address httpx cannot use at all; no
    certificate store for https (api.transport.CertificateStoreError)."""
    name = type(exc).__name__
    if name in ("UnsupportedProtocol", "InvalidURL"):
        return BadAddress(str(exc))
    if name == "CertificateStoreError":
        return CertificateStoreUnusable(str(exc))
    if "Connect" in name:
        # Which host: a mistyped --api-base, a dead proxy and an outage all read the same (network-failure pass).
        host = _request_host(exc)
        error = Transient(f"could not connect to {host}" if host else "could not connect")
        error.may_have_arrived = False
        return error
    if "Timeout" in name:
        return Transient("it did not answer in time (the request timed out)")
    # The exception's name (RemoteProtocolError) meant nothing to a creator (new-user pass).
    return Transient("the connection broke off before the answer was complete")


def _request_host(exc: BaseException) -> str:
    try:
        return exc.request.url.host   # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):   # httpx raises RuntimeError where no request was set
        return ""
