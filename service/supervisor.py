"""A worker of `serve --workers N` watches its supervisor and shuts down when it is gone."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

log = logging.getLogger("bnc.serve")
SUPERVISOR_ENV = "BNC_SUPERVISOR_PID"  # set for the worker processes of `serve --workers N`


def watch_supervisor(interval_s: float = 1.0) -> threading.Thread | None:
    """In a worker of `serve --workers N`: shut down gracefully once the supervisor is gone.

    Killed with SIGKILL (an OOM kill, `kill -9`), uvicorn's supervisor leaves its workers running
    on the inherited socket, still answering with an index nothing manages any more; a worker
    notices it was re-parented and sends itself SIGTERM (uvicorn's graceful shutdown).
    """
    pid = os.environ.get(SUPERVISOR_ENV, "")
    if not pid.isdigit() or os.getppid() != int(pid):
        return None  # not a worker process (or its supervisor is already gone: the loop below would not start)

    def watch() -> None:
        while os.getppid() == int(pid):
            time.sleep(interval_s)
        log.warning("the supervisor (pid %s) is gone; this worker shuts down", pid)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="supervisor-watch", daemon=True)
    thread.start()
    return thread
