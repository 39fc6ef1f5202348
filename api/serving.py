"""The HTTP server layer: uvicorn with deadlines on every connection and room for every client.

uvicorn closes a kept-alive connection after ``timeout_keep_alive``, but any byte resets that
timer, nothing limits how long a request head or body may take to arrive, and a connection that
never sends anything is never closed; its ``limit_concurrency`` counts such connections, so a few
hundred idle sockets answer 503 to everyone. Here each connection is in one phase at a time:

- idle: waiting for the first byte of a request (new, or kept alive after an answer);
- head: the request line and headers are arriving;
- body: the head is in, the body is arriving;
- app: the request is complete and the application is answering.

Each of the first three phases has a deadline that data does not extend; when it passes the
connection is closed (in the body phase after a 408, which the application audits). One client
address may hold ``per_client`` connections and the server ``total``: a new connection over
either cap takes the place of the oldest connection that is idle or still sending its head (of
the same address first), so idle or slow clients never hold anyone else's room; if every held
connection is busy, the new one is closed. The application layer caps requests in flight and
audits its 503 (``api.gate``); what is refused here never reached it and is logged, not audited.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.app import create_app
from api.limits import BODY_TIMEOUT
from api.settings import load_settings

log = logging.getLogger("cdplan.http")

IDLE, HEAD, BODY, APP = "idle", "head", "body", "app"
_TIMEOUT_BODY = (
    b'{"error": {"code": "request_timeout", "message": "the request body did not arrive in '
    b'time", "field": "body", "errors": []}}'
)


@dataclass(frozen=True)
class ConnectionLimits:
    """Deadlines (seconds) and caps (connections) of the server layer."""

    idle_seconds: float = 5.0
    header_seconds: float = 5.0
    body_seconds: float = 10.0
    per_client: int = 32
    total: int = 512


class ConnectionTable:
    """Every open connection by client address, oldest first; decides who makes room."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self.by_client: dict[str, list[GuardedH11Protocol]] = {}
        self.open = 0
        self.refused: Counter[str] = Counter()
        self._logged = 0.0

    def admit(self, conn: GuardedH11Protocol) -> bool:
        """Register ``conn``, evicting an idle or slow connection if a cap is reached."""
        mine = self.by_client.setdefault(conn.address, [])
        if len(mine) >= self.limits.per_client and not self._evict(mine):
            return self._refuse(conn, "per_client")
        if self.open >= self.limits.total:
            largest = max(self.by_client.values(), key=len)
            if not (self._evict(largest) or self._evict_any()):
                return self._refuse(conn, "total")
        mine.append(conn)
        self.open += 1
        return True

    def release(self, conn: GuardedH11Protocol) -> None:
        """Forget ``conn`` (idempotent)."""
        mine = self.by_client.get(conn.address, [])
        if conn in mine:
            mine.remove(conn)
            self.open -= 1
            if not mine:
                del self.by_client[conn.address]

    def _evict(self, conns: list[GuardedH11Protocol]) -> bool:
        for other in conns:  # oldest first
            if other.phase in (IDLE, HEAD):
                other.close("evicted")
                return True
        return False

    def _evict_any(self) -> bool:
        return any(self._evict(conns) for conns in list(self.by_client.values()))

    def _refuse(self, conn: GuardedH11Protocol, why: str) -> bool:
        self.refused[why] += 1
        now = time.monotonic()
        if now - self._logged > 10:  # a flood must not flood the log too
            self._logged = now
            log.warning(
                "connections refused so far: %s (latest from %s)", dict(self.refused), conn.address
            )
        return False


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with per-phase deadlines and the connection table."""

    table: ClassVar[ConnectionTable]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.phase = ""
        self._timer: asyncio.TimerHandle | None = None
        self.address = self.client[0] if self.client else "?"
        if not self.table.admit(self):
            transport.close()
            return
        self._enter(IDLE)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.table.release(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.phase == IDLE:
            self._enter(HEAD)  # the head's deadline runs from its first byte
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._follow()  # on to the next request, which may already be (partly) in

    def close(self, why: str) -> None:
        """Close the connection now (evicted, or a deadline passed)."""
        self._disarm()
        self.table.release(self)
        log.debug("closing a connection from %s in phase %s: %s", self.address, self.phase, why)
        if self.phase == BODY and self.cycle is not None and not self.cycle.response_started:
            self._answer_408()
        if not self.transport.is_closing():
            self.transport.close()

    # -- phases ---------------------------------------------------------------------------------
    def _follow(self) -> None:
        """Move to the phase h11 is in now; a deadline starts when its phase does."""
        state = self.conn.their_state
        if state is h11.IDLE:
            self._enter(HEAD if self.conn.trailing_data[0] else IDLE)
        elif state is h11.SEND_BODY:
            self._enter(BODY)
        else:  # the request is in (or the connection is ending): the application answers
            self._enter(APP)

    def _enter(self, phase: str) -> None:
        if phase == self.phase:
            return
        self.phase = phase
        self._disarm()
        seconds = {
            IDLE: self.table.limits.idle_seconds,
            HEAD: self.table.limits.header_seconds,
            BODY: self.table.limits.body_seconds,
        }.get(phase)
        if seconds is not None:
            self._timer = self.loop.call_later(seconds, self._expired, phase)

    def _disarm(self) -> None:
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()
            self._timer = None

    def _expired(self, phase: str) -> None:
        if phase == self.phase and not self.transport.is_closing():
            self.close(f"{phase} deadline passed")

    def _answer_408(self) -> None:
        """Tell the client why, mark the request for the audit, and stop the application from
        answering on a connection that is going away."""
        cycle = self.cycle
        cycle.scope[BODY_TIMEOUT] = True  # type: ignore[literal-required]
        cycle.disconnected = True
        cycle.message_event.set()
        try:
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_TIMEOUT_BODY)).encode()),
                (b"connection", b"close"),
                (b"cache-control", b"no-store"),
            ]
            out = self.conn.send(h11.Response(status_code=408, headers=headers, reason=b""))
            out = (out or b"") + (self.conn.send(h11.Data(data=_TIMEOUT_BODY)) or b"")
            out += self.conn.send(h11.EndOfMessage()) or b""
            self.transport.write(out)
        except h11.LocalProtocolError:
            pass  # h11 cannot answer in this state: closing says enough


def protocol_for(limits: ConnectionLimits) -> type[GuardedH11Protocol]:
    """A protocol class with its own connection table (one per server)."""
    return type("Guarded", (GuardedH11Protocol,), {"table": ConnectionTable(limits)})


class RedactQuery(logging.Filter):
    """Access-log lines without query strings: a token put in a URL must not reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, sep, _ = args[2].partition("?")
            record.args = (*args[:2], path + ("?…" if sep else ""), *args[3:])
        return True


def config(
    app: Any, limits: ConnectionLimits, host: str, port: int, *, log_level: str, access_log: bool
) -> uvicorn.Config:
    """The uvicorn configuration of the service.

    Args:
        app: the ASGI app.
        limits: deadlines and caps of the server layer.
        host: address to listen on.
        port: port.
        log_level: uvicorn's log level.
        access_log: whether to log each request (query strings redacted).

    Returns:
        A ``uvicorn.Config``.
    """
    cfg = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_for(limits),
        log_level=log_level,
        access_log=access_log,
        # Kept-alive connections are closed by the idle deadline; uvicorn's own timer would only
        # be reset by every byte.
        timeout_keep_alive=max(1, int(limits.idle_seconds)),
        timeout_graceful_shutdown=10,
        # Connections are capped per client and in all by the protocol; uvicorn's cap would
        # count idle connections against everyone. Requests in flight are capped by the gate.
        limit_concurrency=None,
        h11_max_incomplete_event_size=16 * 1024,
        server_header=False,
        date_header=True,
    )
    logging.getLogger("uvicorn.access").addFilter(RedactQuery())
    return cfg


def run(host: str, port: int, *, log_level: str = "info", access_log: bool = True) -> None:
    """Serve the API (settings from the environment) until interrupted."""
    settings = load_settings()
    app = create_app(settings)
    limits = ConnectionLimits(
        idle_seconds=settings.http_idle_seconds,
        header_seconds=settings.http_header_seconds,
        body_seconds=settings.http_body_seconds,
        per_client=settings.http_connections_per_client,
        total=settings.http_connections,
    )
    uvicorn.Server(
        config(
            app,
            limits,
            host,
            port,
            log_level=log_level,
            access_log=access_log,
        )
    ).run()


def main(argv: list[str] | None = None) -> None:
    """``python -m api.serving --host H --port P``: what ``cdplan serve`` runs."""
    parser = argparse.ArgumentParser(prog="python -m api.serving")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    run(args.host, args.port, log_level=args.log_level, access_log=not args.no_access_log)


if __name__ == "__main__":
    main()
