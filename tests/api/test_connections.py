"""The server layer under a connection flood: idle and slow clients cannot lock anyone out.

A real server (``api.serving`` in a subprocess). 300 connections that never send a byte (from
the reader's own address) and 20 that send a request head and then 2 bytes of a 100-byte body
(from another address) are held open while an authenticated user reads a plan: the read answers
200 within 2 s, the idle connections are closed by the server within the idle deadline, and the
slow ones get a 408 within the body deadline, audited.
"""

from __future__ import annotations

import select
import socket
import time
from pathlib import Path

import httpx

from api.store.users import authenticate
from tests.api.conftest import Solved, fresh_database, seed_plan
from tests.api.live import live_server

IDLE_S, HEAD_S, BODY_S = 2.0, 2.0, 3.0


def connect(port: int, source: str) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s: socket.socket) -> bytes | None:
    """What the server sent before closing, or None while the connection is still open."""
    ready, _, _ = select.select([s], [], [], 0)
    if not ready:
        return None
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def test_idle_and_slow_connections_leave_room_for_a_reader(tmp_path: Path, aurora: Solved) -> None:
    url = next(fresh_database("sqlite", tmp_path))
    with live_server(
        url,
        tmp_path,
        http_idle_seconds=IDLE_S,
        http_header_seconds=HEAD_S,
        http_body_seconds=BODY_S,
        http_connections_per_client=16,
    ) as server:
        token = server.add_user("reader", "planner", "GEO-MIA")
        owner = authenticate(server.db, token)
        assert owner is not None
        pid = seed_plan(server.db, owner, aurora)
        idle = [connect(server.port, "127.0.0.1") for _ in range(300)]
        opened = time.monotonic()
        slow = []
        for _ in range(20):
            s = connect(server.port, "127.0.0.2")
            s.sendall(
                b"POST /v1/plans HTTP/1.1\r\nHost: cdplan\r\nContent-Type: application/json\r\n"
                b"Authorization: Bearer " + token.encode() + b'\r\nContent-Length: 100\r\n\r\n{"'
            )
            slow.append(s)
        time.sleep(0.3)
        try:
            with httpx.Client(base_url=server.base_url, timeout=5.0) as http:
                t0 = time.monotonic()
                r = http.get(f"/v1/plans/{pid}", headers={"Authorization": f"Bearer {token}"})
                took = time.monotonic() - t0
            assert r.status_code == 200, r.text[:300]
            assert took < 2.0, took

            deadline = opened + IDLE_S + 1.5
            still_open = list(idle)
            while still_open and time.monotonic() < deadline:
                still_open = [s for s in still_open if closed_by_server(s) is None]
                time.sleep(0.05)
            assert not still_open, f"{len(still_open)} idle connections still open"

            answers: list[bytes] = []
            deadline = time.monotonic() + BODY_S + 1.5
            waiting = list(slow)
            while waiting and time.monotonic() < deadline:
                for s in list(waiting):
                    got = closed_by_server(s)
                    if got is not None:
                        answers.append(got)
                        waiting.remove(s)
                time.sleep(0.05)
            assert not waiting, f"{len(waiting)} slow connections still open"
            # The ones the server took in were answered 408; any over the cap were closed.
            timed_out = [a for a in answers if a.startswith(b"HTTP/1.1 408")]
            assert 1 <= len(timed_out) <= 16 and all(a in (b"", *timed_out) for a in answers)
            # Each is audited once the application has seen the connection go (just after).
            query = "SELECT status_code, outcome FROM audit WHERE status_code = 408"
            deadline = time.monotonic() + 3
            while len(rows := server.sql(query)) < len(timed_out) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(rows) == len(timed_out) and {r[1] for r in rows} == {"rejected"}
        finally:
            for s in idle + slow:
                s.close()


def test_a_trickled_head_and_a_kept_alive_connection_are_closed_on_time(tmp_path: Path) -> None:
    """And the access log never shows a query string (a token put in a URL)."""
    url = next(fresh_database("sqlite", tmp_path))
    with live_server(
        url, tmp_path, access_log=True, http_idle_seconds=IDLE_S, http_header_seconds=HEAD_S
    ) as server:
        with httpx.Client(base_url=server.base_url) as http:
            r = http.get("/v1/plans", params={"access_token": "cdp_SECRET_TOKEN_VALUE"})
            assert r.status_code == 401
        trickle = connect(server.port, "127.0.0.1")
        kept = connect(server.port, "127.0.0.1")
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: cdplan\r\n\r\n")
        assert kept.recv(65536).startswith(b"HTTP/1.1 200")
        t0 = time.monotonic()
        head = b"GET /v1/plans HTTP/1.1\r\nHost: cdplan\r\nX-Slow: " + b"a" * 200
        closed_at: dict[str, float] = {}
        for byte in head:  # one byte every 0.1 s: every byte used to reset uvicorn's timer
            if closed_by_server(trickle) is not None:
                break
            try:
                trickle.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            if "kept" not in closed_at and closed_by_server(kept) is not None:
                closed_at["kept"] = time.monotonic() - t0
            time.sleep(0.1)
        closed_at["trickle"] = time.monotonic() - t0
        assert closed_at["trickle"] < HEAD_S + 1.0, closed_at
        while "kept" not in closed_at and time.monotonic() - t0 < IDLE_S + 1.5:
            if closed_by_server(kept) is not None:
                closed_at["kept"] = time.monotonic() - t0
            time.sleep(0.05)
        assert closed_at.get("kept", 99.0) < IDLE_S + 1.0, closed_at
        trickle.close()
        kept.close()
        log = server.log_tail(50_000)
    assert "GET /v1/plans" in log
    assert "SECRET_TOKEN_VALUE" not in log and "access_token" not in log
