"""The public rating pages: scan → rate → thank you. Server-rendered; no JavaScript needed."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from govindex.feedback.rules import check_human
from govindex.feedback.service import FeedbackService, service_of
from govindex.feedback.submissions import Channel, Submission, hash_phone
from govindex.feedback.tokens import read_form_stamp, sign_form_stamp, verify_token

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

DEVICE_COOKIE = "feedback_device"
Language = Annotated[str, Query(pattern="^(vi|en)$")]


def _device(request: Request) -> tuple[str, str | None]:
    """A stable, anonymous device key: the device cookie, else the client address."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if cookie and len(cookie) <= 64:
        return cookie, None
    new = secrets.token_urlsafe(16)
    return new, new


def _anonymous(key: str) -> str:
    # Only a digest of the device key is stored: it links ratings of one phone, nothing more.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _with_device_cookie(response: Response, new: str | None, service: FeedbackService) -> Response:
    if new:
        response.set_cookie(
            DEVICE_COOKIE,
            new,
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=service.settings.secure_cookies,
        )
    return response


@router.get("/r/{token}", response_class=HTMLResponse)
def rating_page(request: Request, token: str, lang: Language = "vi") -> Response:
    """The rating form of the service point in ``token``."""
    service = service_of(request)
    point = verify_token(token, secret=service.settings.secret, now=time.time())
    centre = service.centre(point.agency_code)
    form = service.settings.form(centre.form_key)
    submission_id = secrets.token_urlsafe(16)
    stamp = sign_form_stamp(token, submission_id, time.time(), secret=service.settings.secret)
    body = service.render(
        "rate.html",
        lang=lang,
        form=form,
        centre=centre,
        point=point,
        token=token,
        submission_id=submission_id,
        stamp=stamp,
        answers={},
        problem=None,
    )
    _key, new = _device(request)
    return _with_device_cookie(HTMLResponse(body), new, service)


@router.post("/r/{token}", response_class=HTMLResponse)
async def submit_rating(request: Request, token: str, lang: Language = "vi") -> Response:
    """Check and store a rating, then send the citizen to the thank-you page."""
    service = service_of(request)
    fields = await request.form()
    values = {key: str(value) for key, value in fields.items() if isinstance(value, str)}
    return await run_in_threadpool(_store_rating, request, service, token, lang, values)


def _store_rating(
    request: Request, service: FeedbackService, token: str, lang: str, values: dict[str, str]
) -> Response:
    settings = service.settings
    now = time.time()
    point = verify_token(token, secret=settings.secret, now=now)
    submission_id = values.get("submission_id", "")
    issued_at = read_form_stamp(
        values.get("stamp", ""), token, submission_id, secret=settings.secret
    )
    check_human(
        honeypot=values.get("website", ""), issued_at=issued_at, now=now, policy=settings.policy
    )
    centre = service.centre(point.agency_code)
    form = settings.form(centre.form_key)
    device_key, new = _device(request)
    host = request.client.host if request.client else "unknown"
    # Without its cookie (a script that drops cookies) a device is known by its address.
    service.throttle(
        service.device_throttle,
        f"address:{host}" if new else f"cookie:{device_key}",
        what="device",
        agency_code=centre.agency_code,
    )
    service.throttle(
        service.point_throttle,
        f"{point.agency_code}|{point.desk}",
        what="service point",
        agency_code=centre.agency_code,
    )
    answers = {c.code: values.get(c.code) for c in form.criteria}
    phone = values.get("phone", "") if form.phone.asked else ""
    submission = Submission.build(
        submission_id,
        point,
        Channel.QR,
        form,
        answers,
        comment=values.get("comment"),
        phone_hash=hash_phone(phone, secret=settings.secret),
        device=_anonymous(device_key),
        created_at=service.now(),
    )
    service.store.record(submission, centre.province_code)
    response = RedirectResponse(f"/thanks?lang={lang}", status_code=303)
    return _with_device_cookie(response, new, service)


@router.get("/thanks", response_class=HTMLResponse)
def thanks(request: Request, lang: Language = "vi") -> Response:
    """The thank-you page."""
    return HTMLResponse(service_of(request).render("thanks.html", lang=lang))
