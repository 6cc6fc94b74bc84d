"""Printable QR cards: one A6 page per desk, with the centre's name, short address and code.

The QR code is drawn by segno as SVG (crisp at any print size); WeasyPrint lays out the
pages. The card says when its code expires, so a desk knows when to print a new one.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from html import escape

import segno

from govindex.feedback.store import Centre

__all__ = ["cards_html", "cards_pdf"]

_STYLE = """
@page { size: A6; margin: 8mm; }
body { font-family: "DejaVu Sans", sans-serif; margin: 0; }
.card { page-break-after: always; text-align: center; }
.card:last-child { page-break-after: auto; }
h1 { font-size: 11pt; margin: 0 0 1mm; }
.en { font-size: 8pt; color: #444; margin: 0 0 2mm; }
img { width: 62mm; height: 62mm; }
.desk { font-size: 13pt; font-weight: bold; margin: 1mm 0; }
.small { font-size: 7pt; color: #333; }
"""


def cards_html(
    centre: Centre, links: Sequence[tuple[str, str]], *, expires_at: datetime.datetime
) -> str:
    """The cards' HTML: one card per ``(desk, rating address)``.

    Examples
    --------
    >>> centre = Centre("H37", "22", "Trung tâm", "Centre", "Hạ Long", "default@1")
    >>> html = cards_html(centre, [("desk-1", "http://x/r/t")],
    ...                   expires_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC))
    >>> html.count('class="card"'), "data:image/svg+xml" in html
    (1, True)
    """
    cards = []
    for desk, address in links:
        qr = segno.make(address, error="m")
        cards.append(
            '<section class="card">'
            f"<h1>{escape(centre.name_vi)}</h1>"
            f'<p class="en">{escape(centre.name_en)}</p>'
            f'<img src="{qr.svg_data_uri(scale=4, border=2)}" alt="QR">'
            f'<p class="desk">Quầy · Desk {escape(desk)}</p>'
            "<p>Quét mã để đánh giá mức độ hài lòng<br>"
            '<span class="en">Scan to rate our service</span></p>'
            f'<p class="small">{escape(centre.address)} · {escape(centre.agency_code)}<br>'
            f"Hiệu lực đến · Valid until {expires_at:%d/%m/%Y}</p>"
            "</section>"
        )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<style>{_STYLE}</style></head><body>{''.join(cards)}</body></html>"
    )


def cards_pdf(
    centre: Centre, links: Sequence[tuple[str, str]], *, expires_at: datetime.datetime
) -> bytes:
    """The cards as an A6 PDF, one page per desk.

    Examples
    --------
    >>> centre = Centre("000.00.22.H37", "22", "Trung tâm", "Centre", "Hạ Long", "default@1")
    >>> expires = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    >>> cards_pdf(centre, [("desk-1", "https://feedback.example.vn/r/abc")],
    ...           expires_at=expires)[:5]
    b'%PDF-'
    """
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango, which takes a while

    document: bytes = HTML(string=cards_html(centre, links, expires_at=expires_at)).write_pdf()
    return document
