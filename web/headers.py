"""Security headers on every response, and a Content-Security-Policy on every page.

The pages load everything from /static/ and run no inline script, so a policy of
`script-src 'self'` costs nothing and stops any injected markup from running code. Inline
styles stay allowed: GraphiQL's editor sets them as it draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
EVERY_RESPONSE: Final = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_EVERY_RESPONSE_RAW: Final = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1"))
    for name, value in EVERY_RESPONSE.items()
)
_POLICY_RAW: Final = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("latin-1"))


class SecurityHeaders:
    """Adds `EVERY_RESPONSE` to each response, and the policy to HTML ones, unless the
    response sets them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_security_headers(message.get("headers", ()))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` (ASGI's: lower-case names) and those this module adds, in one pass: this
    runs on every response, a cached answer's included."""
    found = list(headers)
    names = {name for name, _ in found}
    added = [pair for pair in _EVERY_RESPONSE_RAW if pair[0] not in names]
    if _POLICY_RAW[0] not in names:
        content_type = next((value for name, value in found if name == b"content-type"), b"")
        if content_type.startswith(b"text/html"):
            added.append(_POLICY_RAW)
    return found + added
