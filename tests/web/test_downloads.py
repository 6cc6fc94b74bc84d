"""Downloads: CSV per table, XLSX with a parameters sheet, the JSON twin; labelled, private."""

from __future__ import annotations

import csv
import io

import openpyxl


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_holds_the_ranking_rows_and_is_named(client) -> None:
    answer = client.get("/overview.csv?year=2024&table=ranking")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert (
        'filename="papi-overview-2024-total-ranking.csv"' in answer.headers["content-disposition"]
    )
    rows = _csv(answer.content.decode("utf-8"))
    twin = client.get("/overview.json?year=2024").json()["tables"]["ranking"]["rows"]
    assert [row["province"] for row in rows] == [row["province"] for row in twin]
    assert {row["synthetic"] for row in rows} == {"false"}
    hanoi = next(row for row in rows if row["province"] == "Ha Noi")
    assert hanoi["province_vi"] == "Hà Nội"
    assert (
        abs(
            float(hanoi["estimate"])
            - next(r for r in twin if r["province"] == "Ha Noi")["estimate"]
        )
        < 1e-9
    )


def test_csv_defaults_to_the_first_table(client) -> None:
    rows = _csv(client.get("/province/Ha%20Noi.csv?year=2024").content.decode("utf-8"))
    assert rows[0]["level"] == "total"


def test_xlsx_has_one_sheet_per_table_and_the_parameters(client) -> None:
    answer = client.get("/province/Ha%20Noi.xlsx?year=2023")
    assert answer.status_code == 200
    assert 'filename="papi-profile-ha-noi-2023.xlsx"' in answer.headers["content-disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    twin = client.get("/province/Ha%20Noi.json?year=2023").json()
    assert workbook.sheetnames == [*twin["tables"], "parameters"]
    items = list(workbook["items"].iter_rows(values_only=True))
    assert (
        list(items[0][: len(twin["tables"]["items"]["columns"])])
        == twin["tables"]["items"]["columns"]
    )
    assert len(items) - 1 == len(twin["tables"]["items"]["rows"])
    parameters = dict(workbook["parameters"].iter_rows(min_row=2, values_only=True))
    assert parameters["province"] == "Ha Noi"
    assert parameters["year"] == "2023"
    assert parameters["synthetic"] == "false"


def test_synthetic_downloads_stay_labelled(client, synthetic_run: str) -> None:
    rows = _csv(client.get(f"/overview.csv?run={synthetic_run}").content.decode("utf-8"))
    assert {row["synthetic"] for row in rows} == {"true"}
    answer = client.get(f"/overview.xlsx?run={synthetic_run}")
    assert "SYNTHETIC" in answer.headers["content-disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    parameters = dict(workbook["parameters"].iter_rows(min_row=2, values_only=True))
    assert parameters["synthetic"] == "true"
    assert "SYNTHETIC" in parameters["note"]
    assert client.get(f"/overview.json?run={synthetic_run}").json()["meta"]["synthetic"] is True


def test_the_json_twin_is_named_and_inline(client) -> None:
    answer = client.get("/overview.json?year=2024&level=dimension&code=4&geo=34")
    assert answer.headers["content-disposition"] == (
        'inline; filename="papi-overview-2024-dimension-4-34-units.json"'
    )


def test_no_route_publishes_server_paths(client, web_store, synthetic_run: str) -> None:
    store_path = str(web_store[0])
    folder = str(web_store[0].parent)
    for path in (
        "/runs.json",
        f"/overview.json?run={synthetic_run}",
        f"/overview.xlsx?run={synthetic_run}",
        "/runs.csv",
    ):
        body = client.get(path).content.decode("utf-8", "replace")
        assert store_path not in body, path
        assert folder not in body, path
    runs = client.get("/runs.json").json()
    assert "store" not in runs["meta"]
    inputs = client.get(f"/overview.json?run={synthetic_run}").json()["meta"]["run"]["parameters"][
        "inputs"
    ]
    assert inputs == {"data": "papi-2024-synthetic.parquet", "spec": "papi-2024.yaml"}


def test_xlsx_numbers_are_rounded_for_reading_and_the_csv_keeps_every_digit(client) -> None:
    from govindex.web.downloads import DISPLAY_DIGITS, PRECISION_NOTE

    answer = client.get("/overview.xlsx?year=2024")
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    rows = list(workbook["ranking"].iter_rows(values_only=True))
    floats = [cell for row in rows[1:] for cell in row if isinstance(cell, float)]
    assert floats
    for cell in floats:
        assert cell == float(f"{cell:.{DISPLAY_DIGITS}g}")
    parameters = dict(workbook["parameters"].iter_rows(min_row=2, values_only=True))
    assert parameters["precision"] == PRECISION_NOTE
    # The CSV of the same page carries the stored values, digit for digit.
    csv_rows = _csv(client.get("/overview.csv?year=2024").content.decode("utf-8"))
    header = list(rows[0])
    column = header.index("estimate")
    first = next(row for row in csv_rows if row["estimate"])
    stored = float(first["estimate"])
    shown = next(
        row[column] for row in rows[1:] if row[header.index("province")] == first["province"]
    )
    assert shown == float(f"{stored:.{DISPLAY_DIGITS}g}")


def test_shared_metadata_is_written_as_the_rest_and_follows_the_object() -> None:
    import json

    import polars as pl

    from govindex.views import View
    from govindex.web.downloads import json_bytes, public_dict

    years = [2023, 2024]
    legend = [{"group": 1, "label": "high", "spread": float("nan")}]
    table = {"rows": pl.DataFrame({"a": [1.5]})}
    first = View(
        "x", {"y": 1}, {"years": years, "groups": legend}, table, shared={"years", "groups"}
    )
    again = View(
        "x", {"y": 2}, {"years": years, "groups": legend}, table, shared={"years", "groups"}
    )
    for view in (first, again):
        assert json.loads(json_bytes(view)) == {"ok": True, **public_dict(view)}
    assert json_bytes(first).replace(b'"y":1', b'"y":2') == json_bytes(again)
    # Another object, even with other content, is written for itself.
    other = View("x", {"y": 1}, {"years": [1999], "groups": legend}, table, shared={"years"})
    assert json.loads(json_bytes(other))["meta"]["years"] == [1999]
    # A name that is not in the metadata is not kept as shared.
    assert View("x", {}, {"a": 1}, shared={"a", "b"}).shared == frozenset({"a"})
