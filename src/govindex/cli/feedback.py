"""``govindex feedback``: the citizen feedback service and its administration.

The secret that signs QR codes and staff cookies comes from ``GOVINDEX_FEEDBACK_SECRET``;
the database from ``--database`` or ``GOVINDEX_FEEDBACK_DATABASE`` (SQLite file by default,
or ``postgresql://user@host/db``).
"""

from __future__ import annotations

import datetime
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govindex.errors import SpecError
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.rules import AntiAbusePolicy
from govindex.feedback.settings import FeedbackSettings, load_forms, secret_from_environment
from govindex.feedback.tokens import ServicePoint, sign_token

if TYPE_CHECKING:
    from fastapi import FastAPI

    from govindex.feedback.store import FeedbackStore


@contextmanager
def opened(url: str) -> Iterator[FeedbackStore]:
    """The store, open for one command and closed after it (SQLAlchemy and Alembic load only
    when a command needs them)."""
    from govindex.feedback.store import open_store

    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


__all__ = ["app"]

app = typer.Typer(
    help="Citizen feedback at the service counter: QR code → rating → live figures.",
    no_args_is_help=True,
)

Database = Annotated[
    str,
    typer.Option(
        "--database",
        envvar="GOVINDEX_FEEDBACK_DATABASE",
        help="sqlite:///FILE (embedded) or postgresql://USER@HOST/DB",
    ),
]
DEFAULT_DATABASE = "sqlite:///feedback.db"
PASSWORD_VARIABLE = "GOVINDEX_FEEDBACK_PASSWORD"


def _purge(store: FeedbackStore, settings: FeedbackSettings) -> str:
    now = datetime.datetime.now(datetime.UTC)
    phones = sum(
        store.purge_phones(now, form.phone.retention_days, form.key)
        for form in settings.forms.values()
    )
    sessions = store.purge_sessions(now)
    return f"{phones} expired phone hash(es) erased, {sessions} finished staff session(s) removed"


@app.command()
def init(database: Database = DEFAULT_DATABASE) -> None:
    """Create the store, or bring its schema up to date (Alembic migrations)."""
    with opened(database) as store:
        typer.echo(f"feedback store ready ({store.backend}); centres: {len(store.centres())}")


@app.command()
def centre(
    agency_code: Annotated[str, typer.Argument(help="agency code from the one-stop catalogue")],
    province: Annotated[str, typer.Option(help="province code")],
    name_vi: Annotated[str, typer.Option("--name-vi")],
    name_en: Annotated[str, typer.Option("--name-en")],
    address: Annotated[str, typer.Option()] = "",
    form: Annotated[str, typer.Option(help="form definition id@version")] = "default@1",
    forms: Annotated[Path | None, typer.Option(help="folder of the province's own forms")] = None,
    database: Database = DEFAULT_DATABASE,
) -> None:
    """Add a centre, or change its names, address or form."""
    from govindex.feedback.store import Centre

    known = load_forms(forms)
    if form not in known:
        message = f"no form definition `{form}`"
        raise SpecError(message, where="--form", found=form, expected=sorted(known))
    with opened(database) as store:
        store.put_centre(Centre(agency_code, province, name_vi, name_en, address, form))
    typer.echo(f"centre {agency_code} saved (form {form})")


@app.command()
def user(
    username: str,
    role: Annotated[Role, typer.Option()],
    province: Annotated[str | None, typer.Option()] = None,
    agency: Annotated[str | None, typer.Option()] = None,
    database: Database = DEFAULT_DATABASE,
) -> None:
    """Add a staff account; the password is read from GOVINDEX_FEEDBACK_PASSWORD or asked for."""
    password = os.environ.get(PASSWORD_VARIABLE) or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )
    with opened(database) as store:
        store.add_user(StaffUser(username, role, province, agency), password)
        store.audit(
            "cli",
            "add_user",
            username,
            {"role": role.value, "province_code": province, "agency_code": agency},
        )
        typer.echo(f"staff account {username} ({role.value}) added")


@app.command()
def device(
    agency_code: str,
    label: Annotated[str, typer.Option()],
    database: Database = DEFAULT_DATABASE,
) -> None:
    """Register a kiosk or one-stop system of a centre and print its API key (shown once)."""
    with opened(database) as store:
        device_id, key = store.add_device(agency_code, label)
        store.audit("cli", "add_device", device_id, {"agency_code": agency_code, "label": label})
        typer.echo(f"device {device_id}\nAPI key (shown once): {key}")


@app.command()
def link(
    agency_code: str,
    desk: str,
    procedure: str,
    dossier: Annotated[str | None, typer.Option(help="one dossier's code")] = None,
    base_url: Annotated[str, typer.Option("--base-url")] = "http://127.0.0.1:8100",
    days: Annotated[int, typer.Option(min=1, max=3650)] = 365,
) -> None:
    """Print the signed rating address of a service point (what its QR code holds)."""
    token = sign_token(
        ServicePoint(agency_code, desk, procedure, dossier),
        expires_at=int(time.time()) + days * 86400,
        secret=secret_from_environment(),
    )
    typer.echo(f"{base_url.rstrip('/')}/r/{token}")


@app.command()
def cards(
    agency_code: str,
    out: Annotated[Path, typer.Option(help="the PDF to write")],
    desks: Annotated[str, typer.Option(help="comma-separated desk names")] = "desk-1",
    procedure: Annotated[str, typer.Option()] = "all",
    base_url: Annotated[str, typer.Option("--base-url")] = "http://127.0.0.1:8100",
    days: Annotated[int, typer.Option(min=1, max=3650)] = 365,
    database: Database = DEFAULT_DATABASE,
) -> None:
    """Write printable A6 QR cards, one page per desk."""
    from govindex.feedback.cards import cards_pdf

    with opened(database) as store:
        unit = store.centre(agency_code)
        secret = secret_from_environment()
        expires = int(time.time()) + days * 86400
        names = [name.strip() for name in desks.split(",") if name.strip()]
        links = [
            (
                name,
                f"{base_url.rstrip('/')}/r/"
                + sign_token(
                    ServicePoint(agency_code, name, procedure), expires_at=expires, secret=secret
                ),
            )
            for name in names
        ]
        out.write_bytes(
            cards_pdf(
                unit, links, expires_at=datetime.datetime.fromtimestamp(expires, datetime.UTC)
            )
        )
        store.audit("cli", "print_cards", agency_code, {"desks": names, "procedure": procedure})
        typer.echo(f"{len(names)} card(s) written to {out}")


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="FILE.csv or FILE.parquet")],
    agency: Annotated[list[str] | None, typer.Option(help="limit to these centres")] = None,
    forms: Annotated[Path | None, typer.Option()] = None,
    database: Database = DEFAULT_DATABASE,
    layout: Annotated[
        str,
        typer.Option(
            help="`ratings`: every rating, revisions marked; `onestop`: the counted ratings as "
            "the one-stop records' ratings table (`govindex onestop ingest --ratings`)"
        ),
    ] = "ratings",
) -> None:
    """Write the rating table the one-stop KPIs read (revisions included, `counted` marked)."""
    from govindex.feedback.export import onestop_ratings, rating_table

    if layout not in ("ratings", "onestop"):
        message = f"unknown layout `{layout}`"
        raise SpecError(message, where="--layout", found=layout, expected=["ratings", "onestop"])
    export_table = onestop_ratings if layout == "onestop" else rating_table
    with opened(database) as store:
        table = export_table(store, load_forms(forms), agency or None)
    if out.suffix == ".parquet":
        table.write_parquet(out)
    elif out.suffix == ".csv":
        from govindex.spreadsheet_cells import neutralise_frame

        # Citizens' comments are free text: none may reach a spreadsheet as a formula.
        neutralise_frame(table).write_csv(out)
    else:
        message = f"{out}: unknown format `{out.suffix}`"
        raise SpecError(message, where="--out", found=out.suffix, expected=[".csv", ".parquet"])
    typer.echo(f"{table.height} rating(s) written to {out}")


@app.command()
def purge(
    database: Database = DEFAULT_DATABASE, forms: Annotated[Path | None, typer.Option()] = None
) -> None:
    """Erase phone hashes older than their form's retention period and finished staff sessions."""
    settings = FeedbackSettings(database, b"-" * 16, forms=load_forms(forms))
    with opened(database) as store:
        typer.echo(_purge(store, settings))


@app.command()
def serve(
    database: Database = DEFAULT_DATABASE,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8100,
    forms: Annotated[Path | None, typer.Option(help="folder of the province's own forms")] = None,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="staff cookies without Secure (loopback pilots and tests only)",
        ),
    ] = False,
    min_seconds: Annotated[float, typer.Option(help="minimum seconds to fill the form")] = 3.0,
    device_limit: Annotated[int, typer.Option(help="ratings per device per minute")] = 10,
    point_limit: Annotated[int, typer.Option(help="ratings per service point per minute")] = 120,
    api_key_limit: Annotated[int, typer.Option(help="ratings per API key per minute")] = 600,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="server processes (with more than one, the throttle counts are kept in "
            "the store, shared by all)",
        ),
    ] = 1,
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            "--allowed-hosts",
            help="Comma-separated host names the server answers for (`*.example.org` for "
            "subdomains, `*` for any); default: localhost, 127.0.0.1, ::1 and --host.",
        ),
    ] = None,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            min=0.1,
            help="Seconds a client has to send a request's headers; slower ones are dropped.",
        ),
    ] = 10.0,
) -> None:
    """Serve the rating pages, the staff pages and the kiosk API."""
    import uvicorn

    from govindex.cli.serve import parse_host_list
    from govindex.web.security import default_allowed_hosts
    from govindex.web.server import slow_client_limits

    hosts = default_allowed_hosts(host) if allowed_hosts is None else parse_host_list(allowed_hosts)

    options = {
        "database": database,
        "forms": None if forms is None else str(forms),
        "insecure_cookies": insecure_cookies,
        "min_seconds": min_seconds,
        "device_limit": device_limit,
        "point_limit": point_limit,
        "api_key_limit": api_key_limit,
        "shared_throttle": workers > 1,
        "allowed_hosts": list(hosts),
    }
    settings = _settings(options)
    with opened(database) as store:
        purged = _purge(store, settings)
        typer.echo(
            f"feedback service on http://{host}:{port} ({store.backend}, {workers} process(es)); "
            f"forms: {', '.join(sorted(settings.forms))}; min {min_seconds:g} s per form; limits: "
            f"{device_limit}/device, {point_limit}/service point, {api_key_limit}/API key per minute; "
            f"{purged}; answers for the hosts: {', '.join(hosts)}"
        )
        # A client that sends its request headers byte by byte cannot hold a connection.
        limits = slow_client_limits(header_timeout)
        if workers == 1:
            from govindex.feedback.app import create_app

            uvicorn.run(
                create_app(settings, store, allowed_hosts=hosts),
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                **limits,
            )
            return
        store.close()
        # Each worker process builds its own app from the same options.
        os.environ[_SERVE_VARIABLE] = json.dumps(options)
        uvicorn.run(
            "govindex.cli.feedback:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            **limits,
        )


_SERVE_VARIABLE = "GOVINDEX_FEEDBACK_SERVE_OPTIONS"


def _settings(options: dict[str, Any]) -> FeedbackSettings:
    policy = AntiAbusePolicy(
        min_seconds=float(options["min_seconds"]),
        per_device_per_minute=int(options["device_limit"]),
        per_service_point_per_minute=int(options["point_limit"]),
        per_api_key_per_minute=int(options["api_key_limit"]),
    )
    forms = options["forms"]
    return FeedbackSettings(
        str(options["database"]),
        secret_from_environment(),
        forms=load_forms(None if forms is None else Path(forms)),
        policy=policy,
        secure_cookies=not options["insecure_cookies"],
        shared_throttle=bool(options.get("shared_throttle", False)),
    )


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``serve --workers N`` (options from the environment)."""
    from govindex.feedback.app import create_app

    options = json.loads(os.environ[_SERVE_VARIABLE])
    return create_app(_settings(options), allowed_hosts=tuple(options["allowed_hosts"]))
