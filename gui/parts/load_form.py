"""The load test's settings as typed in the window, read into a target and a Scenario, or one plain problem.

Nothing here contacts anything: the host is taken as typed (the load run contacts that
host and no other). A problem names the word key that explains it and the field to fix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from core.load import Payload, Scenario
from core.load.scenario import MAX_OUTSTANDING_BYTES, MIN_MESSAGE_BYTES

MESSAGES, DURATION = "messages", "duration"
BOUNDS = (MESSAGES, DURATION)  # a run ends after so many messages, or after so many seconds
MAX_CLIENTS = 10_000  # far past what a window's test needs; each client is a descriptor in a worker
MAX_MESSAGES = 1_000_000_000
MIN_SECONDS, MAX_SECONDS = 0.1, 3600.0
MAX_IN_FLIGHT = 10_000
MAX_MESSAGE_BYTES = 1024 * 1024
# A run of N messages stops sending after this long all the same: a load test always ends by itself.
MESSAGES_RUN_LIMIT_SECONDS = 3600.0
SCENARIO_NAME = "window"


@dataclass(frozen=True)
class LoadForm:
    """What the fields hold, as text (the choices as their values)."""

    host: str
    port: str
    clients: str
    bound: str  # MESSAGES or DURATION
    amount: str  # messages, or seconds
    size: str
    in_flight: str
    payload: str  # a Payload value


@dataclass(frozen=True)
class FormProblem:
    """Why the form cannot start a run: `key` is the sentence (words), `field` the field to fix."""

    key: str
    field: str
    values: dict[str, int]  # numbers in the sentence (the window groups their digits its language's way)


@dataclass(frozen=True)
class LoadTarget:
    host: str
    port: int
    scenario: Scenario


# A whole number as people type it: 1000, or grouped by thousands the English or the Spanish way (1,000 / 1.000).
_WHOLE = re.compile(r"\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+", re.ASCII)


def _whole(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text.replace(",", "").replace(".", ""))
    return value if low <= value <= high else None


def _seconds(text: str) -> float | None:
    """Seconds as typed, with a decimal point or a decimal comma ("2.5", "2,5")."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and MIN_SECONDS <= value <= MAX_SECONDS else None


def read_form(form: LoadForm) -> LoadTarget | FormProblem:
    """The run the form describes, or the first problem in reading order."""
    host = form.host.strip()
    if not host:
        return FormProblem("loadview.problem.host", "host", {})
    port = _whole(form.port, 1, 65535)
    if port is None:
        return FormProblem("loadview.problem.port", "port", {})
    clients = _whole(form.clients, 1, MAX_CLIENTS)
    if clients is None:
        return FormProblem("loadview.problem.clients", "clients", {"most": MAX_CLIENTS})
    messages: int | None = None
    duration = MESSAGES_RUN_LIMIT_SECONDS
    if form.bound == MESSAGES:
        messages = _whole(form.amount, 1, MAX_MESSAGES)
        if messages is None:
            return FormProblem("loadview.problem.messages", "amount", {"most": MAX_MESSAGES})
    else:
        seconds = _seconds(form.amount)
        if seconds is None:
            return FormProblem("loadview.problem.duration", "amount", {"most": int(MAX_SECONDS)})
        duration = seconds
    size = _whole(form.size, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES)
    if size is None:
        values = {"least": MIN_MESSAGE_BYTES, "most": MAX_MESSAGE_BYTES}
        return FormProblem("loadview.problem.size", "size", values)
    in_flight = _whole(form.in_flight, 1, MAX_IN_FLIGHT)
    if in_flight is None:
        return FormProblem("loadview.problem.in_flight", "in_flight", {"most": MAX_IN_FLIGHT})
    if in_flight * size > MAX_OUTSTANDING_BYTES:
        return FormProblem("loadview.problem.outstanding", "in_flight", {"most": MAX_OUTSTANDING_BYTES})
    scenario = Scenario(
        SCENARIO_NAME,
        clients=clients,
        messages=messages,
        message_bytes=size,
        in_flight=in_flight,
        duration=duration,
        payload=Payload(form.payload) if form.payload in {p.value for p in Payload} else Payload.SPANISH,
    )
    return LoadTarget(host, port, scenario)
