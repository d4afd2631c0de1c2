"""The benchmark's SMTP sink: ``python -m smtpsink PORT COUNT_FILE``.

Accepts every message on 127.0.0.1:PORT without keeping it and writes the number
received to COUNT_FILE several times a second; stops on SIGTERM or after an hour.
"""
from __future__ import annotations

import signal
import sys
import threading
import time

from smtpsink import SMTPServer, Sink


def _write(path: str, count: int) -> None:
    with open(path, "w") as fh:
        fh.write(str(count))


def main() -> None:
    port, count_file = int(sys.argv[1]), sys.argv[2]
    server = SMTPServer(Sink(keep=False), port=port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    try:
        print(f"SMTP sink on 127.0.0.1:{port}", flush=True)
        deadline = time.monotonic() + 3600
        while not stop.is_set() and time.monotonic() < deadline:
            _write(count_file, server.sink.count)
            stop.wait(0.2)
    finally:
        _write(count_file, server.sink.count)
        server.stop()


if __name__ == "__main__":
    main()
