"""uvicorn's HTTP protocol with a deadline for reading each request.

uvicorn closes idle keep-alive connections, but a client that sends its request a byte at
a time is never timed out: headers are parsed before the app is called, so no ASGI
middleware can see such a client at all. This protocol gives every request, from its first
byte (or from the connection's opening) to the end of its body, `seconds` to arrive;
past that the connection is closed, with a 408 when the app has not started answering.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

TIMEOUT_RESPONSE = b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"


def with_read_timeout(seconds: float) -> type[HttpToolsProtocol]:
    """The protocol class to give uvicorn (`http=`) for a read deadline of `seconds`."""

    class ReadTimeoutProtocol(HttpToolsProtocol):
        read_deadline: asyncio.TimerHandle | None = None
        started = False  # the app has been called for the request being read

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            # Between requests the deadline is off; the next request's first byte sets it
            # (bytes that begin no message, like stray line ends, count as a request).
            if self.read_deadline is None:
                self.started = False
                self._arm()
            super().data_received(data)

        def on_headers_complete(self) -> None:
            self.started = True
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self.read_deadline = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self.read_deadline is not None:
                self.read_deadline.cancel()
                self.read_deadline = None

        def _expired(self) -> None:
            self.read_deadline = None
            if self.transport.is_closing():
                return
            if not self.started:
                self.transport.write(TIMEOUT_RESPONSE)
            self.transport.close()

    return ReadTimeoutProtocol
