"""Staff pages: sign-in, the centres a user covers, the live centre page, cards, the audit log.

Every route checks the session and the user's role; every post checks the CSRF token; every
administrative action is appended to the audit log.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.concurrency import run_in_threadpool

from govindex.feedback.cards import cards_pdf
from govindex.feedback.figures import centre_figures
from govindex.feedback.refusals import Forbidden
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.service import FeedbackService, service_of
from govindex.feedback.tokens import ServicePoint, sign_token

__all__ = ["router"]

router = APIRouter(prefix="/staff", include_in_schema=False)

_LIVE_SECONDS = 600.0
"""A live stream ends after this long; the browser's EventSource reconnects by itself."""


def _signed_in_response(service: FeedbackService, response: Response, username: str) -> Response:
    session = service.cookies.new_session(username, service.store.open_session(username))
    response.set_cookie(
        service.cookies.session_name,
        service.cookies.session_value(session),
        max_age=8 * 3600,
        httponly=True,
        samesite="strict",
        secure=service.settings.secure_cookies,
        path="/",
    )
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    """The sign-in form."""
    service = service_of(request)
    token, cookie = service.cookies.sign_in_value()
    response = HTMLResponse(service.render("sign_in.html", csrf=token, problem=None))
    response.set_cookie(
        service.cookies.sign_in_name,
        cookie,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=service.settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/sign-in")
def sign_in(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Check the password (argon2) and open a session."""
    service = service_of(request)
    service.cookies.check_sign_in(request.cookies.get(service.cookies.sign_in_name), csrf)
    user = service.store.authenticate(username, password)
    service.store.audit(user.username, "sign_in", user.username, {})
    return _signed_in_response(service, RedirectResponse("/staff", status_code=303), user.username)


@router.post("/sign-out")
def sign_out(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    """Close the session."""
    service = service_of(request)
    session, user = service.session(request)
    service.cookies.check_csrf(session, csrf)
    service.store.end_session(session.session_id)
    service.store.audit(user.username, "sign_out", user.username, {})
    response = RedirectResponse("/staff/sign-in", status_code=303)
    response.delete_cookie(
        service.cookies.session_name,
        path="/",
        secure=service.settings.secure_cookies,
        httponly=True,
    )
    return response


@router.get("", response_class=HTMLResponse)
def staff_home(request: Request) -> Response:
    """The centres the signed-in user covers."""
    service = service_of(request)
    session, user = service.session(request)
    return HTMLResponse(
        service.render(
            "staff_home.html",
            user=user,
            csrf=session.csrf,
            centres=service.visible_centres(user),
            roles=[role.value for role in Role],
        )
    )


def _figures(service: FeedbackService, agency_code: str, user: StaffUser) -> dict[str, object]:
    centre = service.centre_for(user, agency_code)
    form = service.settings.form(centre.form_key)
    now = service.now()
    windows = {
        window: centre_figures(
            service.store,
            centre,
            form,
            window=window,
            now=now,
            level=service.settings.ci_level,
            min_n=service.settings.min_n,
        ).to_dict()
        for window in ("hour", "day")
    }
    return {"agency_code": centre.agency_code, "form": form.key, **windows}


@router.get("/centres/{agency_code}", response_class=HTMLResponse)
def centre_page(request: Request, agency_code: str) -> Response:
    """The live centre page: last hour and day, coverage, distribution, criteria, comments."""
    service = service_of(request)
    session, user = service.session(request)
    centre = service.centre_for(user, agency_code)
    form = service.settings.form(centre.form_key)
    figures = _figures(service, agency_code, user)
    comments = service.store.recent_comments(agency_code)
    return HTMLResponse(
        service.render(
            "centre.html",
            user=user,
            csrf=session.csrf,
            centre=centre,
            form=form,
            figures=figures,
            comments=comments,
        )
    )


@router.get("/centres/{agency_code}/figures.json")
def centre_figures_json(request: Request, agency_code: str) -> Response:
    """The live page's figures as JSON."""
    service = service_of(request)
    _session, user = service.session(request)
    return JSONResponse({"ok": True, **_figures(service, agency_code, user)})


@router.get("/centres/{agency_code}/live")
async def centre_live(request: Request, agency_code: str) -> Response:
    """Server-sent events: the centre's figures, sent again whenever they change."""
    service = service_of(request)
    _session, user = await run_in_threadpool(service.session, request)
    await run_in_threadpool(service.centre_for, user, agency_code)

    async def events() -> AsyncIterator[str]:
        started = time.monotonic()
        last = ""
        yield "retry: 1000\n\n"
        while time.monotonic() - started < _LIVE_SECONDS:
            if await request.is_disconnected():
                return
            figures = await run_in_threadpool(_figures, service, agency_code, user)
            text = json.dumps(figures, ensure_ascii=False, sort_keys=True)
            # The window bounds move every time: send only when the figures changed.
            comparable = json.dumps(
                {w: {**figures[w], "until": None, "since": None} for w in ("hour", "day")},  # type: ignore[dict-item]
                sort_keys=True,
            )
            if comparable != last:
                last = comparable
                yield f"event: figures\ndata: {text}\n\n"
            await asyncio.sleep(service.settings.live_interval_seconds)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/centres/{agency_code}/cards.pdf")
def centre_cards(
    request: Request, agency_code: str, desks: str = "", procedure: str = ""
) -> Response:
    """Printable A6 QR cards, one per desk (``desks=desk-1,desk-2``; ``procedure`` code)."""
    service = service_of(request)
    _session, user = service.session(request)
    centre = service.centre_for(user, agency_code)
    names = [desk.strip() for desk in desks.split(",") if desk.strip()] or ["desk-1"]
    expires = int(time.time()) + service.settings.token_days * 86400
    base = str(request.base_url).rstrip("/")
    links = [
        (
            desk,
            f"{base}/r/"
            + sign_token(
                ServicePoint(centre.agency_code, desk, procedure or "all"),
                expires_at=expires,
                secret=service.settings.secret,
            ),
        )
        for desk in names[:200]
    ]
    pdf = cards_pdf(
        centre, links, expires_at=datetime.datetime.fromtimestamp(expires, datetime.UTC)
    )
    service.store.audit(
        user.username,
        "print_cards",
        centre.agency_code,
        {"desks": names[:200], "procedure": procedure or "all"},
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="qr-cards-{centre.agency_code}.pdf"'
        },
    )


@router.post("/ratings/{rating_id}/followed-up")
def followed_up(request: Request, rating_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    """Mark a flagged comment as followed up."""
    service = service_of(request)
    session, user = service.session(request)
    service.cookies.check_csrf(session, csrf)
    agency = service.store.rating_agency(rating_id)
    service.centre_for(user, agency)
    service.store.mark_followed_up(rating_id)
    service.store.audit(user.username, "follow_up", f"rating {rating_id}", {"agency_code": agency})
    return RedirectResponse(f"/staff/centres/{agency}", status_code=303)


@router.post("/users")
def add_user(
    request: Request,
    username: Annotated[str, Form(min_length=2, max_length=64, pattern=r"^[a-z0-9_.-]+$")],
    password: Annotated[str, Form(min_length=10, max_length=256)],
    role: Annotated[str, Form()],
    province_code: Annotated[str, Form(max_length=16)] = "",
    agency_code: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """An administrator adds a staff account."""
    service = service_of(request)
    session, user = service.session(request)
    service.cookies.check_csrf(session, csrf)
    if not user.is_administrator:
        message = "only an administrator may add staff accounts"
        raise Forbidden(message, where="role", found=user.role.value)
    try:
        new = StaffUser(username, Role(role), province_code or None, agency_code or None)
    except ValueError:
        message = f"unknown role `{role}`"
        raise Forbidden(
            message, where="role", found=role, expected=[r.value for r in Role]
        ) from None
    service.store.add_user(new, password)
    service.store.audit(
        user.username,
        "add_user",
        username,
        {"role": role, "province_code": province_code, "agency_code": agency_code},
    )
    return RedirectResponse("/staff", status_code=303)


@router.post("/devices", response_class=HTMLResponse)
def add_device(
    request: Request,
    agency_code: Annotated[str, Form(max_length=64)],
    label: Annotated[str, Form(min_length=1, max_length=200)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Register a kiosk or one-stop system of a centre the user covers; show its key once."""
    service = service_of(request)
    session, user = service.session(request)
    service.cookies.check_csrf(session, csrf)
    centre = service.centre_for(user, agency_code)
    device_id, key = service.store.add_device(centre.agency_code, label)
    service.store.audit(
        user.username, "add_device", device_id, {"agency_code": centre.agency_code, "label": label}
    )
    return HTMLResponse(service.render("device.html", device_id=device_id, key=key, centre=centre))


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> Response:
    """The audit log (administrators only)."""
    service = service_of(request)
    _session, user = service.session(request)
    if not user.is_administrator:
        message = "only an administrator may read the audit log"
        raise Forbidden(message, where="role", found=user.role.value)
    return HTMLResponse(service.render("audit.html", entries=service.store.audit_entries()))
