"""A local SMTP sink for the benchmark: accepts every message on loopback, counts them.

Usage: python bench/smtp_sink.py PORT COUNT_FILE. Writes the number of messages
received to COUNT_FILE several times a second; stops on SIGTERM or after an hour.
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.messages = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages += 1
        return "250 OK"


def main() -> None:
    port, count_file = int(sys.argv[1]), sys.argv[2]
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    try:
        print(f"SMTP sink on 127.0.0.1:{port}", flush=True)
        deadline = time.monotonic() + 3600
        while not stop.is_set() and time.monotonic() < deadline:
            with open(count_file, "w") as fh:
                fh.write(str(handler.messages))
            stop.wait(0.2)
    finally:
        with open(count_file, "w") as fh:
            fh.write(str(handler.messages))
        controller.stop()


if __name__ == "__main__":
    main()
