"""``cdplan serve``, ``cdplan users ...`` and ``cdplan audit verify``: the service's commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from api.settings import load_settings

users_app = typer.Typer(no_args_is_help=True, help="API users and their tokens.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit log.")
err = Console(stderr=True)
T = TypeVar("T")


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


def _db() -> Any:
    from api.store.database import Database

    settings = load_settings()
    return Database(settings.database_url, busy_seconds=settings.db_busy_seconds)


def _store_call(call: Callable[[Any], T]) -> T:
    """Run ``call`` on the service's database; a refusal is exit 2 with its field and reason."""
    from api.store.database import StoreError

    db = _db()
    try:
        return call(db)
    except StoreError as exc:
        err.print(f"[red]{exc.field}: {exc.message}[/red]")
        raise typer.Exit(2) from None
    finally:
        db.dispose()


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option(help="planner, coordinator, trainer, admin or auditor")],
    agency: Annotated[str, typer.Option(help="The user's agency id")],
) -> None:
    """Create a user; the token is printed once, on the last line (only its hash is kept)."""
    from api.store.users import add_user

    days = load_settings().token_days
    new = _store_call(lambda db: add_user(db, name, role, agency, days=days))
    p = new.principal
    typer.echo(
        f"user {p.name} ({p.role.value}, agency {p.agency}) created; token valid until "
        f"{new.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    typer.echo(new.token)


@users_app.command("list")
def users_list() -> None:
    """Every account: name, role, agency, state, token expiry, who created it."""
    from api.store.users import list_users

    found = _store_call(lambda db: list_users(db, 100_000, 0))
    typer.echo(f"{'name':<24} {'role':<12} {'agency':<16} {'state':<9} {'expires (UTC)':<17} by")
    for u in found:
        expires = "-" if u.expires_at is None else f"{u.expires_at:%Y-%m-%d %H:%M}"
        typer.echo(
            f"{u.name:<24} {u.role.value:<12} {u.agency:<16} {u.state:<9} {expires:<17} "
            f"{u.created_by or 'host'}"
        )


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Disable an account: its token stops working at once."""
    from api.store.users import disable

    info = _store_call(lambda db: disable(db, name))
    typer.echo(f"user {info.name} disabled")


@users_app.command("activate")
def users_activate(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Activate a pending account (one an administrator created or rotated through the API)."""
    from api.store.users import activate

    info = _store_call(lambda db: activate(db, name))
    typer.echo(f"user {info.name} is {info.state}")


@users_app.command("rotate")
def users_rotate(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """A new token for the account, printed once on the last line; the old one stops working."""
    from api.store.users import rotate

    days = load_settings().token_days
    new = _store_call(lambda db: rotate(db, name, days=days))
    typer.echo(
        f"new token for {new.principal.name}, valid until {new.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    typer.echo(new.token)


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        str | None,
        typer.Option(
            help="A head hash exported earlier (cdplan audit head): it must be in the chain"
        ),
    ] = None,
) -> None:
    """Check the audit log's hash chain; exit 1 and name the first bad row if it was tampered."""
    from api.store import auditlog

    verdict = _store_call(lambda db: auditlog.verify(db, head))
    if verdict.ok:
        typer.echo(f"audit log intact: {verdict.rows} rows, head {verdict.head}")
        return
    where = "" if verdict.first_bad_seq is None else f" at row {verdict.first_bad_seq}"
    typer.echo(f"audit log BROKEN{where}: {verdict.problem} ({verdict.rows} rows chain)")
    raise typer.Exit(1)


@audit_app.command("head")
def audit_head() -> None:
    """Print the hash of the audit log's last row (last line).

    Keep it off this host, and later check that the chain still holds it with
    ``cdplan audit verify --head HASH``.
    """
    from api.store import auditlog

    seq, digest = _store_call(auditlog.head)
    typer.echo(f"row {seq}")
    typer.echo(digest)
