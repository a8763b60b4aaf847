"""Real concurrency for tests marked `postgres`: each callable runs in its own thread with its own
database connection, all released together by a barrier."""

import threading

from django.db import connection


def run_concurrently(functions):
    """Run the callables at once; return (results, errors), one slot per callable."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as exc:  # collected and asserted on by the test
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
