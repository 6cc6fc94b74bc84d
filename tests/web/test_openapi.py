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


def test_page_routes_solve_their_parameters_in_one_pass() -> None:
    from fastapi.routing import APIRoute

    from govindex.web.routes import page_router

    async def answer(*arguments: object) -> None:
        raise AssertionError(arguments)

    # Each page endpoint declares its page's parameters itself: FastAPI validates them
    # once per request, with no sub-dependency solved (and cached) besides.
    routes = {
        route.name: route for route in page_router(answer).routes if isinstance(route, APIRoute)
    }
    dependant = routes["profile_json"].dependant
    assert dependant.dependencies == []
    assert {parameter.name for parameter in dependant.query_params} == {
        "year",
        "run",
        "instrument",
        "period",
        "lang",
    }
    assert [parameter.name for parameter in dependant.path_params] == ["name"]


def test_csv_routes_take_the_table_choice(client) -> None:
    answer = client.get("/province/Ha%20Noi.csv?year=2024&table=trends")
    assert answer.status_code == 200
    assert "trends" in answer.headers["content-disposition"]
    refused = client.get("/province/Ha%20Noi.csv?year=2024&table=Bad-Name")
    assert refused.status_code == 422
