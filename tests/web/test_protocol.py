"""Slow clients: a request that takes longer than the read timeout to arrive is cut off."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from server import Settings, create_app
from web.protocol import with_read_timeout


@contextmanager
def serving(read_timeout: float) -> Iterator[int]:
    """regkg under uvicorn with the read-timeout protocol, on a free port of 127.0.0.1."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        create_app(Settings()),
        http=with_read_timeout(read_timeout),
        log_config=None,  # records reach the root logger, where tests can see them
        lifespan="on",
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def closed_within(sock: socket.socket, seconds: float, drip: bytes) -> tuple[bool, bytes]:
    """Send `drip` a byte at a time every 0.1 s; whether the server closed the connection
    within `seconds`, and what it answered."""
    end = time.monotonic() + seconds
    answer = b""
    sock.settimeout(0.1)
    for byte in drip * 100:
        if time.monotonic() > end:
            return False, answer
        try:
            sock.sendall(bytes([byte]))
            chunk = sock.recv(4096)
            if not chunk:
                return True, answer
            answer += chunk
        except TimeoutError:
            continue
        except OSError:
            return True, answer
    return False, answer


def test_dozens_of_slow_clients_are_cut_off_and_others_are_served() -> None:
    with serving(read_timeout=1.0) as port:
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(30)]
        results: list[tuple[bool, bytes]] = [(False, b"")] * len(clients)
        drips = [b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 200, b"\r\n"]

        def drip(index: int) -> None:
            results[index] = closed_within(clients[index], 5.0, drips[index % 2])

        threads = [threading.Thread(target=drip, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        healthy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        for thread in threads:
            thread.join(10)
        for sock in clients:
            sock.close()
    assert healthy.status_code == 200
    assert all(closed for closed, _ in results)
    assert {answer.split(b"\r\n")[0] for _, answer in results} == {b"HTTP/1.1 408 Request Timeout"}


def test_a_slow_body_is_cut_off(caplog: pytest.LogCaptureFixture) -> None:
    with serving(read_timeout=1.0) as port:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n"
        )
        closed, _ = closed_within(sock, 5.0, b" ")
        sock.close()
        healthy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    assert closed
    assert healthy.status_code == 200
    assert not [r for r in caplog.records if r.exc_info], "a slow client is no server error"


def test_a_request_within_the_timeout_is_served_on_a_kept_connection() -> None:
    with serving(read_timeout=1.0) as port, httpx.Client() as http:
        first = http.get(f"http://127.0.0.1:{port}/healthz")
        time.sleep(1.5)  # idle between requests is the keep-alive timeout's business
        second = http.get(f"http://127.0.0.1:{port}/healthz")
    assert (first.status_code, second.status_code) == (200, 200)
