"""The OpenAPI document lists every route with typed parameters and documented errors."""

from __future__ import annotations


def test_every_page_and_twin_is_documented(client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    for page in ("/overview", "/province/{name}", "/compare", "/indicator", "/runs"):
        for suffix in ("", ".json", ".csv", ".xlsx"):
            assert f"{page}{suffix}" in paths, f"{page}{suffix}"
            responses = paths[f"{page}{suffix}"]["get"]["responses"]
            assert {"404", "422", "500"} <= set(responses)


def test_parameters_are_typed(client) -> None:
    document = client.get("/openapi.json").json()
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/overview.json"]["get"]["parameters"]
    }
    assert parameters["lang"]["enum"] == ["vi", "en"]
    assert parameters["geo"]["enum"] == ["63", "34"]
    assert parameters["level"]["enum"] == ["total", "dimension", "subdimension", "indicator"]
    year = parameters["year"]
    assert {"type": "integer"} in year.get("anyOf", [year])


def test_the_docs_page_is_served(client) -> None:
    assert client.get("/docs").status_code == 200
