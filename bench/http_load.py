"""Loopback HTTP load (one keep-alive connection per thread) and /proc sampling of the
server's memory and of who uses the CPU.

The load generator shares the machine's cores with the server, so each request it sends
must cost little: ``RawClient`` writes prepared bytes on a socket and reads the status line,
``Content-Length`` and the body, where ``http.client`` builds and parses headers with the
e-mail parser (0.3–0.6 ms of CPU per request against ~0.1 ms).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


class Client:
    """One connection; reconnects when the server closes it."""

    def __init__(self, port: int, token: str = ""):
        self.port = port
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=self.headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a kept-alive connection the server had already closed: nothing was processed
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, payload: object = None) -> tuple[int, object]:
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        status, data = self.request(method, path, body)
        try:
            return status, json.loads(data or b"null")
        except ValueError:
            return status, data.decode(errors="replace")[:300]

    def close(self) -> None:
        self.conn.close()


class RawClient:
    """A minimal HTTP/1.1 client for the load: one connection, kept alive while the server
    allows (granian keeps connections alive).
    Answers need a ``Content-Length`` (Django's always have one)."""

    def __init__(self, port: int, token: str = ""):
        self.port = port
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.head = (
            f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\n{auth}"
        ).encode()
        self.sock: socket.socket | None = None
        self.buf = b""

    def _send(self, data: bytes) -> None:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buf = b""
        self.sock.sendall(data)

    def _read_answer(self) -> tuple[int, bytes, bool]:
        assert self.sock is not None
        buf = self.buf
        while (end := buf.find(b"\r\n\r\n")) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("closed before an answer")
            buf += chunk
        head = buf[:end].decode("latin-1").lower()
        status = int(head[9:12])
        length = int(head.split("content-length:", 1)[1].split("\r\n", 1)[0])
        body_end = end + 4 + length
        while len(buf) < body_end:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("closed in the middle of an answer")
            buf += chunk
        self.buf = buf[body_end:]
        return status, buf[end + 4 : body_end], "connection: close" in head

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        data = f"{method} {path} HTTP/1.1\r\n".encode() + self.head
        data += b"Content-Length: %d\r\n\r\n" % len(body or b"") + (body or b"")
        for attempt in (1, 2):
            fresh = self.sock is None
            try:
                self._send(data)
                status, answer, close = self._read_answer()
            except (ConnectionResetError, BrokenPipeError):
                # a kept-alive connection the server had already closed: nothing was processed
                self.close()
                if fresh or attempt == 2:
                    raise
                continue
            if close:
                self.close()
            return status, answer
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # first few bodies of failed requests
    wall: float = 0.0
    bytes_in: int = 0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    def pct(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return 1000 * xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]

    def summary(self) -> dict:
        return {
            "requests": sum(self.statuses.values()),
            "ok": self.ok,
            "statuses": dict(self.statuses),
            "seconds": round(self.wall, 2),
            "per_s": round(self.ok / self.wall, 1) if self.wall else 0,
            "p50_ms": round(self.pct(50), 1),
            "p95_ms": round(self.pct(95), 1),
            "p99_ms": round(self.pct(99), 1),
            "max_ms": round(self.pct(100), 1),
            "mean_kb": round(self.bytes_in / max(self.ok, 1) / 1024, 1),
            "errors": self.errors[:3],
        }


def run_load(
    port: int,
    token: str,
    requests: list[tuple[str, str, bytes | None]],
    concurrency: int,
    ok: tuple[int, ...] = (200, 201),
) -> Run:
    """Send ``requests`` (method, path, body) from ``concurrency`` threads, each request once."""
    run = Run()
    lock = threading.Lock()
    counter = itertools.count()

    def worker() -> None:
        client = RawClient(port, token)
        lat, stat, errs, size = [], Counter(), [], 0
        try:
            while (i := next(counter)) < len(requests):
                method, path, body = requests[i]
                t = time.perf_counter()
                try:
                    status, data = client.request(method, path, body)
                except OSError as exc:
                    stat["conn_error"] += 1
                    errs.append(repr(exc))
                    continue
                dt = time.perf_counter() - t
                stat[status] += 1
                if status in ok:
                    lat.append(dt)
                    size += len(data)
                elif len(errs) < 3:
                    errs.append(f"{status} {path}: {data[:300].decode(errors='replace')}")
        finally:
            client.close()
            with lock:
                run.latencies += lat
                run.statuses.update(stat)
                run.errors += errs
                run.bytes_in += size

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.wall = time.perf_counter() - start
    return run


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _rss_and_cpu(pids: list[int]) -> tuple[int, int]:
    rss = ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss += int(f.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return rss, ticks


def _ticks_of(pids: list[int]) -> dict[int, int]:
    return {pid: _rss_and_cpu([pid])[1] for pid in pids if os.path.exists(f"/proc/{pid}")}


def _machine_ticks() -> tuple[int, int, int]:
    """Busy, total and stolen ticks of all CPUs: steal is time the hypervisor gave another
    virtual machine (counted busy, but no process of ours or of anyone on this machine)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values), values[7]


def postgres_backends(database: str) -> Callable[[], list[int]]:
    """Process ids of the PostgreSQL backends connected to ``database``, from their process
    titles ("postgres: 15/main: USER DATABASE HOST(PORT) STATE"): cheap enough to ask every
    second, unlike a query through psql."""
    marker = f" {database} ".encode()

    def pids() -> list[int]:
        out = []
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/cmdline", "rb") as f:
                        title = f.read(200)
                except OSError:
                    continue
                if title.startswith(b"postgres: ") and marker in title:
                    out.append(int(name))
        return out

    return pids


class Sampler(threading.Thread):
    """Samples the RSS of the server's process tree (granian's main process + workers) every 50 ms;
    ``begin()``/``end()`` also report CPU seconds of the server, of this client, of PostgreSQL
    and of everything else on the machine (other users' load spoils the figures)."""

    def __init__(
        self, root_pid: int, db_pids: Callable[[], list[int]] | None = None, interval: float = 0.05
    ):
        super().__init__(daemon=True)
        self.root, self.interval = root_pid, interval
        self.db_pids = db_pids or (lambda: [])  # the server's PostgreSQL backends
        self.peak = 0
        self.pids = _tree(root_pid)
        self._stop = threading.Event()
        self._ticks = 0
        # last CPU ticks seen of each backend since the phase began: Django replaces its
        # connections (CONN_MAX_AGE), and a backend that exits takes its counters along
        self._db_seen: dict[int, int] = {}

    def run(self) -> None:
        n = 0
        while not self._stop.is_set():
            if n % 20 == 0:  # new workers (restarts) and backends are picked up once a second
                self.pids = _tree(self.root)
                self._db_seen.update(_ticks_of(self.db_pids()))
            rss, self._ticks = _rss_and_cpu(self.pids)
            self.peak = max(self.peak, rss)
            n += 1
            self._stop.wait(self.interval)

    def breakdown(self) -> list[dict]:
        """RSS of each process of the server now: the server's main process, then the workers."""
        out = []
        for pid in _tree(self.root):
            try:
                rss = _rss_and_cpu([pid])[0]
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            out.append({"pid": pid, "rss_mb": round(rss / 2**20, 1), "cmd": cmd[:80]})
        return out

    def stop(self) -> None:
        self._stop.set()

    def begin(self) -> dict:
        """Start a phase: reset the peak and remember the CPU counters."""
        self.peak = _rss_and_cpu(self.pids)[0]
        busy, total, steal = _machine_ticks()
        return {
            "server": _rss_and_cpu(self.pids)[1],
            "client": os.times(),
            "busy": busy,
            "total": total,
            "steal": steal,
            "db": self._reset_db(),
        }

    def _reset_db(self) -> dict[int, int]:
        self._db_seen = _ticks_of(self.db_pids())
        return dict(self._db_seen)

    def end(self, start: dict) -> dict:
        rss, server = _rss_and_cpu(self.pids)
        busy, total, steal = _machine_ticks()
        c0, c1 = start["client"], os.times()
        client = (c1.user - c0.user) + (c1.system - c0.system)
        server_s = (server - start["server"]) / TICKS
        wall_cpu = (total - start["total"]) / TICKS  # cpu-seconds available (all cores)
        busy_s = (busy - start["busy"]) / TICKS
        steal_s = (steal - start["steal"]) / TICKS
        seen = {**self._db_seen, **_ticks_of(self.db_pids())}  # exited ones: as last seen
        db_s = sum(t - start["db"].get(pid, 0) for pid, t in seen.items()) / TICKS
        return {
            "peak_rss_mb": round(max(self.peak, rss) / 2**20, 1),
            "rss_mb": round(rss / 2**20, 1),
            "cpu_server_s": round(server_s, 1),
            "cpu_client_s": round(client, 1),
            "cpu_postgres_s": round(db_s, 1),
            "cpu_other_s": round(max(busy_s - steal_s - server_s - client - db_s, 0), 1),
            "cpu_idle_pct": round(100 * (1 - busy_s / wall_cpu), 1) if wall_cpu else 0,
            "cpu_steal_pct": round(100 * steal_s / wall_cpu, 1) if wall_cpu else 0,
        }


__all__ = ["Client", "RawClient", "Run", "Sampler", "postgres_backends", "run_load"]
