"""A real regkg server for tests that drive it from outside: uvicorn in a thread."""

from __future__ import annotations

import gc
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from server import Settings, create_app


@contextmanager
def live_server(
    settings: Settings, port: int = 0, wrap: Callable[[ASGIApp], ASGIApp] | None = None
) -> Iterator[str]:
    """Serve regkg on `port` (a free one by default) of 127.0.0.1, its app wrapped in
    `wrap` if given; yield its base URL (`http://127.0.0.1:N`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A test that restarts the server on the same port must not wait for TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    app = create_app(settings)
    config = uvicorn.Config(
        wrap(app) if wrap else app, lifespan="on", log_level="warning", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        gc.unfreeze()  # the lifespan froze everything allocated so far
    assert not thread.is_alive(), "the server did not shut down"
