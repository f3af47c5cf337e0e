"""`connect` and `send`: the client in a terminal, interactive or one-shot."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO, cast

from cli.options import ENDINGS, port
from cli.words import REASON_WORDS
from core.client import UppercaseClient
from core.defaults import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DISCONNECT_GRACE_SECONDS,
    DISCONNECT_WORD,
    LineEnding,
)
from core.errors import NetworkError
from core.events import ClientError, Connected, Disconnected, ReplyReceived
from core.recorder import EventRecorder
from core.text import visible

REPLY_TIMEOUT_SECONDS = 5.0


def register(sub: Any) -> None:
    for name, text in (("connect", "interactive client"), ("send", "send each TEXT, print each reply")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default=DEFAULT_HOST)
        p.add_argument("--port", type=port, default=DEFAULT_PORT)
        p.add_argument("--ending", choices=sorted(ENDINGS), default="lf", help="line ending added to each message")
        p.add_argument("--timeout", type=float, default=DEFAULT_CONNECT_TIMEOUT, help="connect timeout, seconds")
        if name == "send":
            p.add_argument("texts", nargs="+", metavar="TEXT")
            p.set_defaults(run=lambda a: send(a.host, a.port, a.texts, ENDINGS[a.ending], a.timeout))
        else:
            p.set_defaults(run=lambda a: connect(a.host, a.port, ENDINGS[a.ending], a.timeout))


class _Session:
    """A connected client with blocking helpers for the terminal faces."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.events = EventRecorder()
        self.client = UppercaseClient(self.events)
        mark = self.events.mark()
        self.client.connect(host, port, timeout)
        first = self.events.wait_for(object, timeout + 1.0, lambda e: isinstance(e, (Connected, ClientError)), mark)
        if isinstance(first, ClientError):
            self.client.close()
            raise NetworkError(first.error)

    def ask(self, text: str, ending: LineEnding) -> ReplyReceived | Disconnected:
        """Send one message; return its reply, or Disconnected if the server closed."""
        mark = self.events.mark()
        self.client.send(text, ending)
        answer = self.events.wait_for(
            object,
            REPLY_TIMEOUT_SECONDS,
            lambda e: isinstance(e, Disconnected) or (isinstance(e, ReplyReceived) and e.rtt is not None),
            mark,
        )
        return cast(ReplyReceived | Disconnected, answer)

    def end(self, ending: LineEnding) -> Disconnected:
        mark = self.events.mark()
        self.client.disconnect(ending)
        try:
            return self.events.wait_for(Disconnected, DISCONNECT_GRACE_SECONDS + 1.0, after=mark)
        finally:
            self.client.close()


def _describe_reply(event: ReplyReceived | Disconnected) -> str:
    if isinstance(event, Disconnected):
        return f"(connection closed: {REASON_WORDS[event.reason]})"
    assert event.rtt is not None
    return f"{visible(event.data)}  ({event.rtt * 1000:.1f} ms)"


def connect(host: str, port: int, ending: LineEnding, timeout: float, stdin: TextIO = sys.stdin) -> int:
    """Interactive client: each typed line is sent; DESCONEXION or Ctrl+D ends."""
    try:
        session = _Session(host, port, timeout)
    except NetworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"connected to {host}:{port}; type a message, {DISCONNECT_WORD} or Ctrl+D to end", flush=True)
    try:
        for raw in stdin:
            text = raw.rstrip("\r\n")
            if text.strip().upper() == DISCONNECT_WORD:
                break
            try:
                reply = session.ask(text, ending)
            except TimeoutError:
                print(f"(no reply within {REPLY_TIMEOUT_SECONDS:.0f} s)", flush=True)
                continue
            print(_describe_reply(reply), flush=True)
            if isinstance(reply, Disconnected):
                session.client.close()
                return 1
    except KeyboardInterrupt:
        pass
    ended = session.end(ending)
    print(f"disconnected ({REASON_WORDS[ended.reason]})", flush=True)
    return 0


def send(host: str, port: int, texts: Sequence[str], ending: LineEnding, timeout: float) -> int:
    """Send each text, print each reply; exit 0, or 1 with a one-line error."""
    try:
        session = _Session(host, port, timeout)
    except NetworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        for text in texts:
            reply = session.ask(text, ending)
            if isinstance(reply, Disconnected):
                print(f"error: {_describe_reply(reply)}", file=sys.stderr)
                return 1
            print(visible(reply.data), flush=True)
    except TimeoutError:
        print(f"error: no reply within {REPLY_TIMEOUT_SECONDS:.0f} s", file=sys.stderr)
        session.client.close()
        return 1
    session.end(ending)
    return 0
