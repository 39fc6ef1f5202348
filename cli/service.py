"""``cdplan serve``, ``cdplan users ...`` and ``cdplan audit verify``: the service's commands."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from api.settings import load_settings

users_app = typer.Typer(no_args_is_help=True, help="API users and their tokens.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit log.")
err = Console(stderr=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8080,
) -> None:
    """Run the HTTP API (jobs are solved in worker processes)."""
    from api.serving import run

    settings = load_settings()
    err.print(
        f"cdplan API on http://{host}:{port}/v1 (database: {settings.database_url.split('://')[0]})"
    )
    run(host, port)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option(help="planner, coordinator, trainer, admin or auditor")],
    agency: Annotated[str, typer.Option(help="The user's agency id")],
) -> None:
    """Create a user; the token is printed once, on the last line (only its hash is kept)."""
    from api.store.database import Database, StoreError
    from api.store.users import add_user

    settings = load_settings()
    db = Database(settings.database_url, busy_seconds=settings.db_busy_seconds)
    try:
        new = add_user(db, name, role, agency)
    except StoreError as exc:
        err.print(f"[red]{exc.field}: {exc.message}[/red]")
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    p = new.principal
    typer.echo(f"user {p.name} ({p.role.value}, agency {p.agency}) created; token:")
    typer.echo(new.token)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 and name the first bad row if it was tampered."""
    from api.store import auditlog
    from api.store.database import Database

    settings = load_settings()
    db = Database(settings.database_url, busy_seconds=settings.db_busy_seconds)
    try:
        verdict = auditlog.verify(db)
    finally:
        db.dispose()
    if verdict.ok:
        typer.echo(f"audit log intact: {verdict.rows} rows, head {verdict.head}")
        return
    typer.echo(
        f"audit log BROKEN at row {verdict.first_bad_seq}: {verdict.problem} "
        f"({verdict.rows} rows chain)"
    )
    raise typer.Exit(1)
