"""A deterministic race between two real processes on one real database file.

``race(path, first, second)``:

1. a *holder* process opens the file and takes the write lock (``BEGIN IMMEDIATE``);
2. the *first* writer process runs ``first(path)``: everything it reads before its own write
   transaction it reads now, and then it blocks on ``BEGIN IMMEDIATE`` behind the holder
   (a hook in ``StoreCore.write`` tells the test it got there);
3. the holder runs ``second(store)`` inside its transaction, commits and lets go;
4. the first writer gets the lock and finishes.

Whatever the first writer decided from reads made before step 3 is stale by step 4: a write
path that reads what decides its write outside its transaction loses the holder's change.
"""

from __future__ import annotations

import multiprocessing
import traceback
from contextlib import contextmanager

CONTEXT = multiprocessing.get_context("fork")
TIMEOUT_S = 30


def race(path, first, second, second_login: str = "alice"):
    """Run the race; returns ``(first's outcome, second's outcome)``: ("ok", value) or ("error", "Kind: message")."""
    locked, go, begun = CONTEXT.Event(), CONTEXT.Event(), CONTEXT.Event()
    results = CONTEXT.Queue()
    holder = CONTEXT.Process(target=_hold, args=(str(path), second, second_login, locked, go, results))
    holder.start()
    assert locked.wait(TIMEOUT_S), "the holder never took the write lock"
    writer = CONTEXT.Process(target=_first, args=(str(path), first, begun, results))
    writer.start()
    while not begun.wait(0.05) and writer.is_alive():
        pass
    go.set()  # the holder commits its change and lets go; the first writer then gets the lock
    outcomes = dict(results.get(timeout=TIMEOUT_S) for _ in range(2))
    assert begun.is_set(), f"the first writer ended before its write transaction: {outcomes['first']}"
    holder.join(TIMEOUT_S)
    writer.join(TIMEOUT_S)
    return outcomes["first"], outcomes["second"]


def _outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as error:  # noqa: BLE001  (reported to the test, which asserts on it)
        return ("error", f"{type(error).__name__}: {error}", traceback.format_exc())


def _hold(path, second, login, locked, go, results):
    from cstui.store import Store

    store = Store.open(path, login=login)
    with store.write():
        locked.set()
        go.wait(TIMEOUT_S)
        outcome = _outcome(second, store)
    store.close()
    results.put(("second", outcome))


def _first(path, first, begun, results):
    from cstui.store.core import StoreCore

    real_write = StoreCore.write

    @contextmanager
    def write(self):
        if getattr(self, "_prepared", True) and not self._depth:
            begun.set()  # every read before this point was made while the holder held the lock
        with real_write(self) as store:
            yield store

    StoreCore.write = write
    results.put(("first", _outcome(first, path)))
