"""The supervisor's state survives the exec that starts it, and a worker that never said
it was ready is told apart from one that did."""

from __future__ import annotations

import json
import os

from web.supervise import READY, Supervision, Worker, state_of, was_ready_before_exit


def test_the_state_is_plain_json_with_every_worker() -> None:
    supervision = Supervision([5, 6], ["/usr/bin/python3", "server.py", "--workers", "2"])
    supervision.running = {101: Worker(0, 7), 102: Worker(1, 8)}
    state = json.loads(state_of(supervision))
    assert state == {
        "sockets": [5, 6],
        "restart": ["/usr/bin/python3", "server.py", "--workers", "2"],
        "workers": [[101, 0, 7], [102, 1, 8]],
        "stopping": False,
    }


def test_ready_is_read_from_the_pipe_a_worker_wrote_before_exiting() -> None:
    ready, tell = os.pipe()
    os.write(tell, READY)
    os.close(tell)
    assert was_ready_before_exit(ready)
    silent, closed = os.pipe()
    os.close(closed)
    assert not was_ready_before_exit(silent)
