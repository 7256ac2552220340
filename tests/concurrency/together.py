"""Run the same work in several threads released together, as concurrent requests would."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections


def run_together(work: Callable[[Any], object], args: Iterable[Any]) -> tuple[list, list]:
    """``work(arg)`` for each of ``args``, each in its own thread (its own database
    connection), all waiting at a barrier and then started at once; the results and the
    errors raised, in the order they came."""
    args = list(args)
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(args))

    def run(arg: Any) -> None:
        try:
            start.wait()
            results.append(work(arg))
        except BaseException as exc:  # collected for the caller to assert
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(arg,)) for arg in args]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
