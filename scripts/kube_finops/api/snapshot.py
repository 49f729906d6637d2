"""The published DuckDB snapshot, one read-only generation at a time.

A new snapshot is a new file renamed over the published path. DuckDB caches an open database by
its path inside a process, so connecting to the same path again would return the old data. Each
generation therefore opens the file descriptor first (pinning that inode), attaches
`/proc/self/fd/<fd>` read-only into its own in-memory DuckDB instance, and is closed only after
its last in-flight request releases it. Requests always start on the newest generation.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

LOG = logging.getLogger("kube_finops.api.snapshot")
ALIAS = "snapshot"
# per generation and process: answers read from the snapshot are kept up to this many bytes
MEMO_BYTES = 64 * 1024 * 1024


class SnapshotUnavailableError(Exception):
    """No published snapshot could be opened."""


def _attach_path(fd: int, path: Path) -> str:
    proc = Path(f"/proc/self/fd/{fd}")
    return str(proc) if proc.exists() else str(path)


class Generation:
    """One opened snapshot file; closed when retired and no request uses it."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.fd = os.open(path, os.O_RDONLY)
        try:
            stat = os.fstat(self.fd)
            self.key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns)
            self.con = duckdb.connect(":memory:", config={"threads": threads})
            target = _attach_path(self.fd, path).replace("'", "''")
            self.con.execute(f"attach '{target}' as {ALIAS} (read_only)")
            self.con.execute(f"use {ALIAS}")
        except BaseException:
            os.close(self.fd)
            raise
        self.users = 0
        self.retired = False
        self.closed = False
        # idle cursors, reused by later requests (one request holds a cursor at a time: FastAPI
        # may run a request's dependency and its endpoint on different threads)
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._all: list[duckdb.DuckDBPyConnection] = []
        self._cursors_lock = threading.Lock()
        # text read from this (immutable) file, by key; bounded by MEMO_BYTES
        self.memo: dict[Hashable, str] = {}
        self.memo_bytes = 0

    def take_cursor(self) -> duckdb.DuckDBPyConnection:
        with self._cursors_lock:
            if self._idle:
                return self._idle.pop()
        cur = self.con.cursor()
        cur.execute(f"use {ALIAS}")
        with self._cursors_lock:
            self._all.append(cur)
        return cur

    def give_back(self, cur: duckdb.DuckDBPyConnection) -> None:
        with self._cursors_lock:
            self._idle.append(cur)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with self._cursors_lock:
                for cur in self._all:
                    cur.close()
                self._all.clear()
                self._idle.clear()
            self.con.close()
            os.close(self.fd)


class SnapshotStore:
    """Hands out cursors on the newest published generation; swaps when the file changes."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.path = path
        self.threads = threads
        self._lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._current: Generation | None = None

    def _file_key(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_dev, stat.st_ino, stat.st_mtime_ns)

    def _refresh(self) -> None:
        key = self._file_key()
        current = self._current
        if key is None or (current is not None and current.key == key):
            return
        with self._open_lock:
            current = self._current
            if current is not None and current.key == self._file_key():
                return
            try:
                fresh = Generation(self.path, self.threads)
            except (OSError, duckdb.Error) as exc:
                if current is None:
                    raise SnapshotUnavailableError(
                        f"cannot open the published snapshot: {exc}"
                    ) from None
                LOG.warning("keeping the previous snapshot: cannot open the new one: %s", exc)
                return
            with self._lock:
                old, self._current = self._current, fresh
                if old is not None:
                    old.retired = True
                    if old.users == 0:
                        old.close()
            LOG.info("opened published snapshot %s (inode %d)", self.path, fresh.key[1])

    def _acquire(self) -> Generation:
        self._refresh()
        with self._lock:
            generation = self._current
            if generation is None:
                raise SnapshotUnavailableError(
                    "no published snapshot yet (run make build or make publish)"
                )
            generation.users += 1
            return generation

    def _release(self, generation: Generation) -> None:
        with self._lock:
            generation.users -= 1
            if generation.retired and generation.users == 0:
                generation.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the newest generation, valid until the block ends."""
        generation = self._acquire()
        try:
            cur = generation.take_cursor()
            try:
                yield cur
            finally:
                generation.give_back(cur)
        finally:
            self._release(generation)

    def memo(
        self, key: Hashable, load: Callable[[duckdb.DuckDBPyConnection], str | None]
    ) -> str | None:
        """`load(cursor)` on the newest generation, kept in that generation's memory by `key`
        while it holds less than MEMO_BYTES (a snapshot file never changes, so neither does the
        answer; a new snapshot is a new generation with an empty memo). None is not kept."""
        generation = self._acquire()
        try:
            found = generation.memo.get(key)
            if found is None:
                cur = generation.take_cursor()
                try:
                    found = load(cur)
                finally:
                    generation.give_back(cur)
                if found is not None and generation.memo_bytes + len(found) <= MEMO_BYTES:
                    generation.memo[key] = found
                    generation.memo_bytes += len(found)
            return found
        finally:
            self._release(generation)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.users == 0:
                    self._current.close()
                self._current = None
