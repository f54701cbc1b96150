"""A polite HTTP client for the public registries' JSON APIs.

It says who it is (User-Agent), waits between requests to stay below the registry's
published rate limit, gives up on a silent server after a timeout, and retries what may
pass (429 Too Many Requests, 5xx, timeouts, dropped connections, truncated answers) with
exponential backoff, honouring ``Retry-After``. Anything else, or a fault that outlasts
the retries, raises `RegistryError` naming the URL and the status. No credentials are
sent or stored.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Final

from graph.errors import RegkgError

USER_AGENT: Final = (
    "regkg-sync/0.1 (regulatory-status knowledge graph; scheduled registry refresh; python-urllib)"
)
MAX_RETRY_AFTER: Final = 600.0  # seconds; a registry asking for longer is reported instead
_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})


class RegistryError(RegkgError):
    """The registry refused or failed: what was asked (`url`), and what came back."""

    def __init__(self, url: str, status: int | None, reason: str) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        answered = f"answered {status}" if status is not None else "gave no usable answer"
        super().__init__(f"{url} {answered}: {reason}")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Message


def retry_after(headers: Message, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), if any.

    >>> from email.message import Message
    >>> m = Message(); m["Retry-After"] = "7"; retry_after(m)
    7.0
    >>> m.replace_header("Retry-After", "Wed, 02 Dec 2026 12:00:30 GMT")
    >>> retry_after(m, now=datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    30.0
    """
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class RegistryClient:
    """GET JSON from one registry API at `base_url`, at most one request per
    `min_interval` seconds."""

    base_url: str
    min_interval: float
    timeout: float = 60.0
    retries: int = 5
    backoff: float = 2.0  # first wait after a failure, doubled each time
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    retried: list[str] = field(default_factory=list)  # why each retry happened
    _last: float | None = None

    def url(self, path: str, params: Mapping[str, str]) -> str:
        query = urllib.parse.urlencode(params)
        return f"{self.base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self._last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def _fetch(self, url: str) -> Answer:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read(), response.headers)
        except urllib.error.HTTPError as exc:
            with exc:
                return Answer(exc.code, exc.read(), exc.headers)

    def get_json(self, path: str, params: Mapping[str, str]) -> tuple[int, object]:
        """The status and parsed JSON body of ``GET path?params``: 200, or a client error
        (4xx other than 429) the caller may understand (a 404 "no matches"), whose body is
        given as the registry's message when it is not JSON. Raises
        `RegistryError` when the registry keeps failing or answers something else."""
        url = self.url(path, params)
        last_problem = ""
        last_status: int | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.retried.append(last_problem)
            self._wait_turn()
            wait: float | None = None
            try:
                answer = self._fetch(url)
            except TimeoutError:
                last_status, last_problem = None, f"no answer within {self.timeout:g} s"
            except http.client.IncompleteRead as exc:
                last_status = None
                last_problem = f"the answer was cut off after {len(exc.partial)} bytes"
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last_status, last_problem = None, f"connection failed ({reason})"
            else:
                last_status = answer.status
                if answer.status in _RETRY_STATUSES:
                    last_problem = _describe(answer)
                    wait = retry_after(answer.headers)
                    if wait is not None and wait > MAX_RETRY_AFTER:
                        raise RegistryError(
                            url, answer.status, f"asked to wait {wait:.0f} s before retrying"
                        )
                elif answer.status == 200 or 400 <= answer.status < 500:
                    try:
                        return answer.status, json.loads(answer.body)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        if answer.status != 200:
                            return answer.status, _describe(answer)
                        last_problem = (
                            f"the answer is not complete JSON ({len(answer.body)} bytes; cut off?)"
                        )
                else:
                    raise RegistryError(url, answer.status, _describe(answer))
            if attempt < self.retries:
                self.sleep(wait if wait is not None else min(self.backoff * 2**attempt, 120.0))
        raise RegistryError(
            url, last_status, f"{last_problem}; gave up after {self.retries + 1} attempts"
        )


def _describe(answer: Answer) -> str:
    """The registry's own words for an error, kept short."""
    text = answer.body[:300].decode("utf-8", errors="replace").strip()
    try:
        parsed = json.loads(answer.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        parsed = None
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            text = error["message"]
        elif isinstance(parsed.get("message"), str):
            text = parsed["message"]
    reason = http.client.responses.get(answer.status, "")
    return f"{reason}{': ' if reason and text else ''}{' '.join(text.split())[:200]}"
