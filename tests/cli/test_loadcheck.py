"""The load check (``python -m cli.loadcheck``) in a very short run: it must work end to end.

Latency figures depend on the machine, so nothing here is about seconds: every request must
complete without an error, both solver slots must have been busy, and no process may be left.
"""

from __future__ import annotations

from cli import loadcheck


def test_short_load_check_completes_every_request_without_errors() -> None:
    figures = loadcheck.run(seconds=2.0, threads=2, jobs=2)
    rows = figures["rows"]
    assert {(r["phase"], r["path"].rsplit("/", 1)[-1] == "map") for r in rows} == {
        ("idle", False),
        ("idle", True),
        ("loaded", False),
        ("loaded", True),
    }
    for row in rows:
        assert row["errors"] == 0, row
        assert row["completed"] == row["started"] > 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"], row
    busy = figures["busy_workers"]
    assert busy["samples"] > 0 and busy["mean"] > 0
    assert figures["leftover_processes"] == []
    latency = figures["job_latency"]
    assert latency["jobs"] == len(latency["seconds"]) == 2
    assert 0 < latency["min"] <= latency["median"] <= latency["max"]
    assert "loaded/idle plan" in loadcheck.table(figures)
