"""A local stand-in for the registries' APIs: it replays recorded responses from
``../shared/external/`` and injects the faults a real registry shows.

ClinicalTrials.gov ``/studies``: the first page is a real search page whose
``nextPageToken`` leads to the real next page, whose token leads to a third recorded page;
that page's token (also real) leads to a last page made of two recorded single-study
responses, with no token. openFDA ``/drug/drugsfda.json``: a recorded application answer,
or openFDA's 404 "No matches found!" for a search naming ``nomatch``.

Faults are queued with `inject` and taken by the next requests they match: ``429`` (with
``Retry-After``), ``500``, ``timeout`` (no answer until the client gives up), ``truncate``
(the headers promise the whole body, half of it comes), ``stale`` (a page token refused
with 400). `hold` makes the server keep a matching request waiting until `release`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

CTGOV_FILES: Final = (
    "ctgov-v2/biomcp_search_phelan-mcdermid_page1_fields-filtered.json",
    "ctgov-v2/biomcp_search_phelan-mcdermid_page2_fields-filtered.json",
    "ctgov-v2/search_page_pageSize1_nextPageToken.json",
)
LAST_PAGE_STUDIES: Final = (
    "ctgov-v2/NCT03934567_phase2_active-not-recruiting.json",
    "ctgov-v2/NCT00184067_terminated_whyStopped.json",
)
OPENFDA_FILE: Final = "openfda/drugsfda_NDA207145_xadago_api-response.json"

Params = dict[str, str]


@dataclass
class Fault:
    kind: str  # 429, 500, timeout, truncate, stale
    times: int
    when: Callable[[str, Params], bool]
    retry_after: str = "2"


def _always(path: str, params: Params) -> bool:
    return True


class Replay:
    """The recorded pages, the faults to inject, and every request received."""

    def __init__(self, external: Path, timeout_seconds: float = 2.0) -> None:
        self.pages: dict[str | None, bytes] = {}
        token: str | None = None
        for name in CTGOV_FILES:
            body = (external / name).read_bytes()
            self.pages[token] = body
            token = json.loads(body)["nextPageToken"]
        studies = [json.loads((external / n).read_bytes()) for n in LAST_PAGE_STUDIES]
        self.pages[token] = json.dumps({"studies": studies}).encode()
        self.tokens = [t for t in self.pages if t is not None]
        self.openfda = (external / OPENFDA_FILE).read_bytes()
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, Params]] = []
        self.timeout_seconds = timeout_seconds
        self.held = threading.Event()
        self.hold_when: Callable[[str, Params], bool] | None = None
        self.lock = threading.Lock()

    @property
    def study_ids(self) -> set[str]:
        ids: set[str] = set()
        for body in self.pages.values():
            for study in json.loads(body)["studies"]:
                ids.add(study["protocolSection"]["identificationModule"]["nctId"])
        return ids

    def inject(
        self,
        kind: str,
        times: int = 1,
        when: Callable[[str, Params], bool] = _always,
        retry_after: str = "2",
    ) -> None:
        self.faults.append(Fault(kind, times, when, retry_after))

    def hold(self, when: Callable[[str, Params], bool]) -> None:
        self.hold_when = when
        self.held.clear()

    def release(self) -> None:
        self.hold_when = None
        self.held.set()

    def fault_for(self, path: str, params: Params) -> Fault | None:
        with self.lock:
            self.requests.append((path, params))
            for fault in self.faults:
                if fault.times > 0 and fault.when(path, params):
                    fault.times -= 1
                    return fault
        return None

    def answer(self, path: str, params: Params) -> tuple[int, bytes]:
        if path == "/api/v2/studies":
            token = params.get("pageToken")
            if token not in self.pages:
                return 400, b"pageToken is not valid"
            return 200, self.pages[token]
        if path == "/drug/drugsfda.json":
            if "nomatch" in params.get("search", ""):
                error = {"error": {"code": "NOT_FOUND", "message": "No matches found!"}}
                return 404, json.dumps(error).encode()
            return 200, self.openfda
        return 404, b"not found"


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests read `replay.requests`

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query))
            fault = replay.fault_for(url.path, params)
            hold = replay.hold_when
            if hold is not None and hold(url.path, params):
                replay.held.wait(timeout=30)
            try:
                if fault is None:
                    self._send(*replay.answer(url.path, params))
                elif fault.kind == "429":
                    self._send(429, b"Too Many Requests", {"Retry-After": fault.retry_after})
                elif fault.kind == "500":
                    self._send(500, b"Internal Server Error")
                elif fault.kind == "stale":
                    self._send(400, b"pageToken has expired")
                elif fault.kind == "timeout":
                    time.sleep(replay.timeout_seconds)
                    self._send(*replay.answer(url.path, params))
                elif fault.kind == "truncate":
                    status, body = replay.answer(url.path, params)
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first, as it should

    return Handler


@contextmanager
def serve(replay: Replay) -> Iterator[str]:
    """Serve `replay` on 127.0.0.1 (a free port) and yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        replay.release()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
