"""Patients over real HTTP: a minimal browser and the whole questionnaire, step by step.

Each request opens its own connection (gunicorn's sync workers close every connection after
one response, as browsers behind nginx would see it), carries the session cookie, and reads the
CSRF token from the page it just got, exactly as a browser posts the form it was shown.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from app.screening.questions import STEP_IDS
from tests.journey import BASE_ANSWERS, step_data

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_REFERENCE = re.compile(r'data-reference="([^"]+)"')
_RETRIES = 3  # a request cut off by a dying worker is sent again, as a patient would

# Answer sets the simulated patients take in turn: English and French, an IMS consult, a
# clinician review, and a safety stop that ends the questionnaire at the safety step.
ANSWER_SETS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("en", BASE_ANSWERS),
    ("fr", {**BASE_ANSWERS, "full_name": "Camille Gagnon", "contact_preference": "email"}),
    ("en", {**BASE_ANSWERS, "blood_thinners": "yes"}),
    ("fr", {**BASE_ANSWERS, "rf_bladder_bowel": "yes"}),
)


class TransportError(Exception):
    """The connection failed or was cut before a whole response came back."""


class JourneyError(Exception):
    """The server answered something a working app never answers (a 5xx, a wrong page)."""


@dataclass
class Response:
    status: int
    location: str
    body: str


class Browser:
    """One patient's browser: a cookie jar and plain HTTP/1.1 requests."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: Mapping[str, Any] | None = None) -> Response:
        headers = {"Accept-Language": "en-CA"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode()
        except (OSError, http.client.HTTPException) as error:
            raise TransportError(f"{method} {path}: {error!r}") from error
        finally:
            connection.close()
        for header in raw.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = urlsplit(raw.headers.get("Location", "")).path
        return Response(raw.status, location, text)


@dataclass
class Tally:
    """What a run of simulated patients saw, shared by their threads."""

    references: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile of request latency, in milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


class Patient:
    """Walks the questionnaire once, every step, and returns the acknowledged reference."""

    def __init__(self, base_url: str, tally: Tally, lang: str, answers: Mapping[str, Any]):
        self.browser = Browser(base_url)
        self.tally = tally
        self.lang = lang
        self.answers = answers

    def send(self, method: str, path: str, expect: int, form: Mapping[str, Any] | None = None):
        for attempt in range(_RETRIES):
            started = time.perf_counter()
            try:
                response = self.browser.request(method, path, form)
            except TransportError as error:
                with self.tally.lock:
                    self.tally.transport_errors.append(str(error))
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(0.05)
                continue
            with self.tally.lock:
                self.tally.latencies.append(time.perf_counter() - started)
                self.tally.statuses[response.status] += 1
            if response.status != expect:
                raise JourneyError(f"{method} {path}: {response.status}, expected {expect}")
            return response
        raise AssertionError("unreachable")

    def post_form(self, page_path: str, action: str, fields: Mapping[str, Any]) -> Response:
        page = self.send("GET", page_path, 200)
        token = _TOKEN.search(page.body)
        if token is None:
            raise JourneyError(f"GET {page_path}: no CSRF token")
        return self.send("POST", action, 302, {**fields, "csrf_token": token.group(1)})

    def complete(self) -> str:
        self.send("GET", f"/?lang={self.lang}", 200)
        path = self.send("GET", "/screening", 302).location
        while path.rsplit("/", 1)[-1] in STEP_IDS:
            step_id = path.rsplit("/", 1)[-1]
            path = self.post_form(path, path, step_data(step_id, self.answers)).location
        if path == "/screening/check":
            path = self.post_form(path, "/screening/submit", {}).location
        if path != "/screening/result":
            raise JourneyError(f"the questionnaire ended at {path}")
        match = _REFERENCE.search(self.send("GET", path, 200).body)
        if match is None:
            raise JourneyError("the result page shows no reference")
        return match.group(1)


@dataclass
class Run:
    tally: Tally
    seconds: float


def run_patients(
    base_url: str,
    submissions: int,
    clients: int,
    deadline_s: float,
    on_progress: Callable[[int], None] | None = None,
) -> Run:
    """``clients`` concurrent patients complete ``submissions`` questionnaires between them.

    Stops early at ``deadline_s``. ``on_progress`` is called with the count of acknowledged
    submissions after each one (the crash test kills a worker from there).
    """
    tally = Tally()
    tickets = iter(range(submissions))
    tickets_lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def worker() -> None:
        while time.monotonic() < stop_at:
            with tickets_lock:
                ticket = next(tickets, None)
            if ticket is None:
                return
            lang, answers = ANSWER_SETS[ticket % len(ANSWER_SETS)]
            try:
                reference = Patient(base_url, tally, lang, answers).complete()
            except (TransportError, JourneyError) as error:
                with tally.lock:
                    tally.failures.append(str(error))
                continue
            with tally.lock:
                tally.references.append(reference)
                done = len(tally.references)
            if on_progress is not None:
                on_progress(done)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(tally, time.monotonic() - started)
