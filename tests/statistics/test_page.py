"""The statistics page: counts only, for every staff role, audited, with each figure's table
as CSV, small counts withheld in both."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app.demo import demo_data_command
from tests.admin import events
from tests.conftest import sign_in
from tests.statistics.data import add_plausible_counts


@pytest.fixture
def desk(app: Flask, front_desk) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, front_desk)
    return client


@pytest.mark.parametrize("role", ["front_desk", "clinician", "admin"])
def test_every_role_sees_the_page(
    app: Flask, runner: FlaskCliRunner, request: pytest.FixtureRequest, role: str
) -> None:
    assert runner.invoke(demo_data_command, ["--count", "300", "--seed", "7"]).exit_code == 0
    client = app.test_client()
    sign_in(client, app, request.getfixturevalue(role))
    page = client.get("/staff/statistics?period=year")
    assert page.status_code == 200
    assert page.text.count('<section id="') == 7
    assert "Jordan" not in page.text
    assert "@" not in page.text.split("<main")[1]
    [event] = events(app, "statistics.view")
    assert event.detail["period"] == "year"


def test_the_period_defaults_to_four_weeks_and_custom_dates_are_checked(
    app: Flask, desk: FlaskClient
) -> None:
    assert '<option selected value="4w">' in desk.get("/staff/statistics").text
    page = desk.get("/staff/statistics?period=custom&from=2026-03-01&to=2026-02-01")
    assert page.status_code == 200
    assert "The last day comes before the first." in page.text
    assert "Error:" in page.text.split("</title>")[0]
    page = desk.get("/staff/statistics?period=custom&from=2026-02-01&to=2026-03-01")
    assert "From February 1, 2026 to March 1, 2026" in page.text
    details = [e.detail for e in events(app, "statistics.view")]
    assert details[1]["period"] == "4w"  # the invalid dates fell back to the default
    assert details[2] == {"period": "custom", "from": "2026-02-01", "to": "2026-03-01"}


def test_each_figure_downloads_as_csv_with_small_counts_withheld(
    app: Flask, desk: FlaskClient
) -> None:
    add_plausible_counts(app)
    response = desk.get("/staff/statistics/received.csv?period=quarter")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="ims-screen-statistics-received-' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert rows[0][0] == "Week of"
    assert rows[0][-1] == "Total"
    assert len(rows) == 1 + 13
    cells = [cell for row in rows[1:] for cell in row[1:]]
    assert "fewer than 5" in cells
    assert not any(cell in {"1", "2", "3", "4"} for cell in cells)
    [event] = events(app, "statistics.export")
    assert event.detail["figure"] == "received"
    assert desk.get("/staff/statistics/nothing.csv").status_code == 404
    assert len(events(app, "statistics.export")) == 1  # an unknown figure is not recorded


def test_french(app: Flask, desk: FlaskClient) -> None:
    add_plausible_counts(app)
    page = desk.get("/staff/statistics?lang=fr").text
    assert "moins de 5" in page
    assert "Statistiques" in page


def test_patients_cannot_see_it(client: FlaskClient) -> None:
    response = client.get("/staff/statistics")
    assert response.status_code in (302, 401, 403)
    assert "/auth/login" in response.headers.get("Location", "/auth/login")


def test_the_query_string_cannot_break_the_page_or_its_links(app: Flask, desk: FlaskClient) -> None:
    page = desk.get("/staff/statistics?period=year&figure=x&_method=POST&_external=1&_anchor=y")
    assert page.status_code == 200
    links = re.findall(r'href="(/staff/statistics/[^"]+\.csv[^"]*)"', page.text)
    assert len(links) == 7
    assert all(link.endswith(".csv?period=year") for link in links), links


def test_dates_of_ones_choice_need_both_dates(app: Flask, desk: FlaskClient) -> None:
    page = desk.get("/staff/statistics?period=custom&from=2026-01-01")
    assert "Give both dates, the first day and the last." in page.text
    assert '<option selected value="custom">' in page.text
    assert events(app, "statistics.view")[0].detail["period"] == "4w"


def test_every_wait_band_has_its_words() -> None:
    from app.statistics import figures, presenters

    assert tuple(presenters.BAND_WORDS) == figures.BANDS
    assert tuple(presenters.BAND_SHORT) == figures.BANDS
