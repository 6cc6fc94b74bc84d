"""The kiosk and one-stop API: post ratings, report completed dossiers, read satisfaction.

Each device authenticates with its own API key (``X-API-Key``) and acts for its centre only.
Errors come in the project's envelope, ``{"ok": false, "error": {"status", "type", ...}}``.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from govindex.feedback.figures import centre_figures
from govindex.feedback.refusals import NotSignedIn
from govindex.feedback.service import FeedbackService, service_of
from govindex.feedback.submissions import Channel, Submission
from govindex.feedback.tokens import ServicePoint

__all__ = ["router"]

_CODE = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {
            "application/json": {
                "example": {
                    "ok": False,
                    "error": {"status": status, "type": kind, "message": message},
                }
            }
        },
    }
    for status, kind, description, message in (
        (401, "NotSignedIn", "No or unknown API key", "unknown API key"),
        (404, "NotFound", "No such centre", "no centre with agency code `x`"),
        (422, "InvalidParameter", "The request is invalid", "criterion `overall` must be answered"),
        (
            429,
            "Throttled",
            "Too many ratings from this device",
            "too many ratings from this API key",
        ),
    )
}

router = APIRouter(prefix="/api/v1", tags=["kiosk and one-stop API"], responses=ERRORS)

ApiKey = Annotated[str, Header(alias="X-API-Key", max_length=200)]


class RatingIn(BaseModel):
    """A rating posted by a kiosk or by one-stop software."""

    model_config = ConfigDict(extra="forbid")
    submission_id: str = Field(
        pattern=r"^[A-Za-z0-9_-]{8,64}$",
        description="chosen by the device; a retry with the same id is stored once",
    )
    desk: str = Field(pattern=_CODE)
    procedure_code: str = Field(pattern=_CODE)
    dossier_code: str | None = Field(default=None, pattern=_CODE)
    channel: Literal["kiosk", "api"] = "kiosk"
    answers: dict[Annotated[str, Field(max_length=40)], Annotated[int, Field(ge=1, le=5)]] = Field(
        description="levels 1 (very dissatisfied) to 5 (very satisfied) by criterion code; `overall` required",
        max_length=40,
    )
    comment: str | None = Field(default=None, max_length=2000)


class RatingOut(BaseModel):
    """The acknowledgement: the rating is stored (or was already)."""

    ok: Literal[True] = True
    rating_id: int
    revision: int
    duplicate: bool


class CompletedIn(BaseModel):
    """How many dossiers the centre completed on a day (the coverage denominator)."""

    model_config = ConfigDict(extra="forbid")
    completed: int = Field(ge=0, le=10_000_000)


def _device(service: FeedbackService, key: str) -> tuple[str, str]:
    if not key:
        message = "this API needs a device key in the `X-API-Key` header"
        raise NotSignedIn(message, where="X-API-Key", hint="an administrator creates device keys")
    device_id, agency_code = service.device(key)
    service.throttle(service.key_throttle, device_id, what="API key", agency_code=agency_code)
    return device_id, agency_code


@router.post("/ratings", response_model=RatingOut, status_code=201)
def post_rating(request: Request, rating: RatingIn, x_api_key: ApiKey = "") -> RatingOut:
    """Store one rating for the device's centre (idempotent on ``submission_id``)."""
    service = service_of(request)
    device_id, agency_code = _device(service, x_api_key)
    centre = service.centre(agency_code)
    form = service.settings.form(centre.form_key)
    point = ServicePoint(agency_code, rating.desk, rating.procedure_code, rating.dossier_code)
    submission = Submission.build(
        rating.submission_id,
        point,
        Channel(rating.channel),
        form,
        dict(rating.answers),
        comment=rating.comment,
        phone_hash=None,
        device=device_id,
        created_at=service.now(),
    )
    stored = service.store.record(submission, centre.province_code)
    return RatingOut(
        rating_id=stored.rating_id, revision=stored.revision, duplicate=stored.duplicate
    )


@router.put("/completed-dossiers/{day}")
def put_completed(
    request: Request,
    day: Annotated[datetime.date, Path()],
    body: CompletedIn,
    x_api_key: ApiKey = "",
) -> dict[str, Any]:
    """Record the number of dossiers the device's centre completed on ``day`` (Vietnam date)."""
    service = service_of(request)
    _device_id, agency_code = _device(service, x_api_key)
    service.store.put_completed(agency_code, day, body.completed)
    return {
        "ok": True,
        "agency_code": agency_code,
        "day": day.isoformat(),
        "completed": body.completed,
    }


@router.get("/satisfaction")
def satisfaction(
    request: Request, x_api_key: ApiKey = "", window: Literal["hour", "day"] = "day"
) -> dict[str, Any]:
    """The centre's satisfaction over the last hour or the current day: counts, the 5-level
    distribution, shares with Wilson intervals (flagged under 30 ratings), coverage."""
    service = service_of(request)
    _device_id, agency_code = _device(service, x_api_key)
    centre = service.centre(agency_code)
    form = service.settings.form(centre.form_key)
    figures = centre_figures(
        service.store,
        centre,
        form,
        window=window,
        now=service.now(),
        level=service.settings.ci_level,
        min_n=service.settings.min_n,
    )
    return {"ok": True, "agency_code": agency_code, "form": form.key, **figures.to_dict()}
