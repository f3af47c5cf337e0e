"""Every check Mayus runs, by stable id, with its time limit and the words keys that name and explain it.

The ids are public: the JSON output, the CSV columns and Gradescope's test names use them, and the words
tables key each check's title and hint by them (`check.title.<id>`, `check.hint.<id>` for server checks,
`check.client.title.<id>`, `check.client.hint.<id>` for client checks).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# A whole run against one target ends within this, whatever the peer does (the bound is 30 s;
# the rest is left for connecting, ending programs and the callback).
RUN_BUDGET_SECONDS = 26.0

SERVER_TITLE_PREFIX = "check.title."
SERVER_HINT_PREFIX = "check.hint."
CLIENT_TITLE_PREFIX = "check.client.title."
CLIENT_HINT_PREFIX = "check.client.hint."


class Phase(enum.Enum):
    """When a server check runs: the probe first, then the gentle ones (in parallel when the server serves
    several clients at once), then the harsh ones one at a time, since they can bring a fragile server down."""

    PROBE = "probe"
    GENTLE = "gentle"
    HARSH = "harsh"


@dataclass(frozen=True, slots=True)
class CheckSpec:
    check_id: str
    limit: float  # seconds this one check may take, at most
    phase: Phase = Phase.GENTLE


@dataclass(frozen=True, slots=True)
class ClientSpec:
    check_id: str
    limit: float


# --- server checks, in the order they are shown (and, within a phase, run) ------------------------
CASO1 = "caso1"
CONCURRENT_CLIENTS = "concurrent-clients"
CASO2 = "caso2"
DESCONEXION_ANY_CASE = "desconexion-any-case"
UNICODE = "unicode"
ONE_MESSAGE_TWO_PACKETS = "one-message-two-packets"
TWO_MESSAGES_ONE_PACKET = "two-messages-one-packet"
CONVERSATION = "conversation"
LONG_MESSAGE = "long-message"
PIPELINED = "pipelined"
HALF_CLOSE = "half-close"
SLOW_READER = "slow-reader"
SPLIT_UTF8 = "split-utf8"
ABRUPT_CLOSE = "abrupt-close"

SERVER_CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(CASO1, 3.0, Phase.PROBE),
    CheckSpec(CONCURRENT_CLIENTS, 5.0, Phase.PROBE),
    CheckSpec(CASO2, 2.5),
    CheckSpec(DESCONEXION_ANY_CASE, 3.0),
    CheckSpec(UNICODE, 2.5),
    CheckSpec(ONE_MESSAGE_TWO_PACKETS, 2.5),
    CheckSpec(TWO_MESSAGES_ONE_PACKET, 2.5),
    CheckSpec(CONVERSATION, 3.0),
    CheckSpec(LONG_MESSAGE, 4.0),
    CheckSpec(PIPELINED, 4.0),
    CheckSpec(HALF_CLOSE, 3.0),
    # The harsh ones, in this order: a slow reader first (it ends its connection gracefully), then the
    # split character (a server that decodes each read may die of it), the reset last (it kills some).
    CheckSpec(SLOW_READER, 6.0, Phase.HARSH),
    CheckSpec(SPLIT_UTF8, 2.5, Phase.HARSH),
    CheckSpec(ABRUPT_CLOSE, 4.0, Phase.HARSH),
)
SERVER_CHECK_IDS: tuple[str, ...] = tuple(spec.check_id for spec in SERVER_CHECKS)
SERVER_SPECS: dict[str, CheckSpec] = {spec.check_id: spec for spec in SERVER_CHECKS}

# --- client checks, in the order they run (one program run each) ---------------------------------
CLIENT_CASO1 = "caso1"
CLIENT_UNICODE = "unicode"
CLIENT_SPLIT_REPLY = "split-reply"
CLIENT_SPLIT_UTF8 = "split-utf8"
CLIENT_SERVER_CLOSES = "server-closes"
CLIENT_CASO2 = "caso2"

CLIENT_CHECKS: tuple[ClientSpec, ...] = (
    ClientSpec(CLIENT_CASO1, 4.0),
    ClientSpec(CLIENT_CASO2, 4.0),
    ClientSpec(CLIENT_SPLIT_REPLY, 4.0),
    ClientSpec(CLIENT_UNICODE, 4.0),
    ClientSpec(CLIENT_SPLIT_UTF8, 4.0),
    ClientSpec(CLIENT_SERVER_CLOSES, 4.0),
)
CLIENT_CHECK_IDS: tuple[str, ...] = tuple(spec.check_id for spec in CLIENT_CHECKS)


def server_title(check_id: str) -> str:
    """The words key of what a server check checks, in one short line."""
    return SERVER_TITLE_PREFIX + check_id


def server_hint(check_id: str) -> str:
    """The words key of the usual cause when a server check fails."""
    return SERVER_HINT_PREFIX + check_id


def client_title(check_id: str) -> str:
    return CLIENT_TITLE_PREFIX + check_id


def client_hint(check_id: str) -> str:
    return CLIENT_HINT_PREFIX + check_id
