"""`connect` and `send`: the client in a terminal.

Both write what arrives as it arrives, so a reply of any size goes out whole and is
never held in memory; both mark what the server sent unasked; both end politely
(core.client: the word, then its ending if the server waits for one).

- `send` writes each reply's bytes exactly to stdout (a reply that does not end in
  LF gets one, so the next starts on its own line) and exits 0 once every message
  got a reply, or 1 with one plain line on stderr. Unsolicited data goes to stderr.
- `connect` is interactive: each line typed is sent as typed (DESCONEXION too) with
  the chosen ending; replies show as text (escapes for what is not printable) with
  their round-trip time; Ctrl+D or Ctrl+C disconnects politely. It exits when the
  session ends: 0 for a requested disconnect, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, BinaryIO

from cli.options import ENDINGS, add_language, argument_bytes, port, positive_seconds, translator
from cli.output import Output, silence_stdout
from cli.tls import BadOption, ClientTls, add_client_options, client_tls
from core import platforms
from core.addresses import describe_peer
from core.client import TcpClient
from core.defaults import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DISCONNECT_GRACE_SECONDS,
    DISPLAY_BYTES,
    QUIET_GAP_SECONDS,
    LineEnding,
)
from core.errors import LocalProtocolError
from core.events import (
    Connected,
    DataReceived,
    DisconnectAnswered,
    Disconnected,
    DisconnectReason,
    Event,
    MessageSent,
)
from core.input_modes import InputError, InputMode, parse
from core.text import VisibleText, ending_name, visible
from words import Translator

# How long `send` waits for a reply that has not begun, or has paused, before it gives up.
DEFAULT_REPLY_TIMEOUT = 5.0
# How long `connect` waits for a reply before it reads the next line (the reply still shows when it comes).
REPLY_WAIT_SECONDS = 5.0
# Before the first message, both wait until the server has been quiet for the quiet gap, so a
# greeting it sends on connect is shown as such and never taken for the first reply; at most this long.
GREETING_WAIT_SECONDS = 1.0
POLL_SECONDS = 0.1  # how often `connect` looks at its input queue and the session
READ_CHUNK = 65536


def register(sub: Any) -> None:
    for name, text in (("connect", "interactive client"), ("send", "send each TEXT, print each reply")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default=DEFAULT_HOST)
        p.add_argument("--port", type=port, default=DEFAULT_PORT)
        p.add_argument("--ending", choices=list(ENDINGS), default="lf", help="line ending added to each message")
        p.add_argument(
            "--input",
            choices=[mode.value for mode in InputMode],
            default=InputMode.TEXT.value,
            help="how messages are written: text as typed, text with escapes (\\r \\n \\xNN ...), or hex",
        )
        p.add_argument("--timeout", type=positive_seconds, default=DEFAULT_CONNECT_TIMEOUT, help="connect timeout, s")
        add_client_options(p)
        add_language(p)
        if name == "send":
            p.add_argument(
                "--reply-timeout", type=positive_seconds, default=DEFAULT_REPLY_TIMEOUT, help="seconds of silence"
            )
            p.add_argument("texts", nargs="+", metavar="TEXT")
            p.set_defaults(run=run_send)
        else:
            p.add_argument(
                "--reply-wait",
                type=positive_seconds,
                default=REPLY_WAIT_SECONDS,
                help="seconds to wait for a reply before reading the next line (a late reply still shows)",
            )
            p.set_defaults(run=run_connect)


def run_send(args: argparse.Namespace) -> int:
    tr, mode = translator(args), InputMode(args.input)
    try:
        messages = [argument_bytes(text) if mode is InputMode.TEXT else parse(text, mode) for text in args.texts]
    except InputError as exc:
        print(tr("cli.error", error=tr.input_error(exc)), file=sys.stderr)
        return 2
    target = _target(args, tr)
    return 2 if target is None else send(target, messages, tr, args.reply_timeout)


def run_connect(args: argparse.Namespace) -> int:
    tr = translator(args)
    target = _target(args, tr)
    return 2 if target is None else connect(target, tr, reply_wait=args.reply_wait)


def _target(args: argparse.Namespace, tr: Translator) -> Target | None:
    """The target the options name; None after saying on stderr why a TLS option cannot be used."""
    try:
        tls = client_tls(args, tr)
    except BadOption as exc:
        print(exc.line, file=sys.stderr)
        return None
    return Target(args.host, args.port, ENDINGS[args.ending], args.timeout, InputMode(args.input), tls)


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    ending: LineEnding
    timeout: float
    mode: InputMode = InputMode.TEXT  # how typed lines are written
    tls: ClientTls | None = None  # plain TCP without it


@dataclass
class _Session:
    """What the worker thread has seen, for the main thread to wait on (under `changed`)."""

    changed: threading.Condition = field(default_factory=threading.Condition)
    connected: bool = False
    ended: Disconnected | None = None
    answered_through: int = 0  # every message up to this number has its reply
    last_sent: int = 0
    last_activity: float = field(default_factory=time.monotonic)
    open_entry: bool = False
    interrupted: bool = False  # Ctrl+C

    def interrupt(self) -> None:
        """Ctrl+C (from the signal handler, on the main thread): wake every wait."""
        with self.changed:
            self.interrupted = True
            self.changed.notify_all()

    def update(self, event: Event) -> None:
        with self.changed:
            match event:
                case Connected():
                    self.connected = True
                    self.last_activity = (
                        time.monotonic()
                    )  # a greeting is waited for from here, not from before the connect
                case MessageSent(number=number):
                    self.last_sent = max(self.last_sent, number)
                case DataReceived(reply_to=reply_to, complete=complete):
                    self.last_activity = time.monotonic()
                    self.open_entry = not complete
                    if complete and reply_to is not None:
                        self.answered_through = max(self.answered_through, reply_to)
                case Disconnected():
                    self.ended = event
            self.changed.notify_all()

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait (bounded) until `condition` holds; False on timeout."""
        with self.changed:
            return self.changed.wait_for(condition, timeout)

    def answered_or_ended(self, number: int, timeout: float) -> bool:
        """Wait (bounded) until message `number` has its whole reply or the session ended; False on timeout."""
        return self.wait(lambda: self.answered_through >= number or self.ended is not None, timeout)

    def wait_quiet(self) -> None:
        """Wait until the server has sent nothing for the quiet gap (it may greet), at most GREETING_WAIT_SECONDS."""
        deadline = time.monotonic() + GREETING_WAIT_SECONDS
        with self.changed:
            while self.ended is None:
                quiet_until = self.last_activity + QUIET_GAP_SECONDS
                now = time.monotonic()
                if (now >= quiet_until and not self.open_entry) or now >= deadline:
                    return
                self.changed.wait(min(quiet_until, deadline) - now if now < quiet_until else POLL_SECONDS)


def _open_client(target: Target, on_event: Callable[[Event], None], session: _Session, tr: Translator) -> TcpClient:
    """Connect; raise _Failed (after saying why on stderr) if that does not work."""
    client = TcpClient(on_event)
    client.connect(target.host, target.port, target.timeout, None if target.tls is None else target.tls.context)
    session.wait(lambda: session.connected or session.ended is not None or session.interrupted, target.timeout + 1)
    if session.connected:
        return client  # a Ctrl+C that came meanwhile waits in the input queue: a polite end
    client.close()
    if session.interrupted:
        raise _Failed  # Ctrl+C while connecting: nothing to say
    error = session.ended.error if session.ended is not None else None
    reason = tr.error(error) if error is not None else tr.reason(DisconnectReason.CONNECT_FAILED)
    print(tr("cli.error", error=reason), file=sys.stderr, flush=True)
    raise _Failed


class _Failed(Exception):
    """Already said on stderr; the face exits 1."""


# --- send -------------------------------------------------------------------------


class _SendPrinter:
    """Writes replies' bytes to stdout as they arrive; unsolicited entries go to stderr, cut."""

    def __init__(
        self, session: _Session, out: BinaryIO, output: Output, tr: Translator, messages: int, target: Target
    ) -> None:
        self._session, self._out, self._output, self._tr = session, out, output, tr
        self._messages = messages  # replies to these go to stdout; anything else is not an answer to them
        self._target = target
        self._unsolicited: dict[int, bytearray] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, DataReceived):
            self._data(event)  # written before the main thread can see the reply complete and move on
        elif isinstance(event, DisconnectAnswered):
            self._output.notice(_word_answered(self._tr, event), sys.stderr)
        elif isinstance(event, Connected) and event.tls is not None and self._target.tls is not None:
            self._output.notice(self._target.tls.connected(event.tls, self._tr), sys.stderr)  # stdout: replies only
        self._session.update(event)

    def _data(self, piece: DataReceived) -> None:
        if piece.reply_to is None or piece.reply_to > self._messages:
            kept = self._unsolicited.setdefault(piece.entry, bytearray())
            kept += piece.data[: max(0, DISPLAY_BYTES - len(kept))]
            if piece.complete:
                data = bytes(self._unsolicited.pop(piece.entry))
                line = f"({self._tr('session.unsolicited')}) {visible(data)}{_more(self._tr, piece.entry_size, data)}"
                self._output.notice(line, sys.stderr)
            return
        if self._output.broken:
            return
        try:
            self._out.write(piece.data)
            if piece.complete:
                if not piece.ending.endswith(b"\n"):
                    self._out.write(b"\n")
                self._out.flush()
        except (OSError, ValueError):  # as above
            self._output.broken = True
            silence_stdout()


def send(target: Target, messages: Sequence[bytes], tr: Translator, reply_timeout: float) -> int:
    """Send each message, write each reply; 0 when every message got a reply, else 1 with one line on stderr."""
    session = _Session()
    output = Output(sys.stdout)
    try:
        printer = _SendPrinter(session, sys.stdout.buffer, output, tr, len(messages), target)
        client = _open_client(target, printer, session, tr)
    except _Failed:
        return 1
    try:
        session.wait_quiet()
        for number, data in enumerate(messages, start=1):
            if session.ended is None:
                with contextlib.suppress(LocalProtocolError):  # closed meanwhile: said just below
                    client.send(data, target.ending)
            outcome = _wait_for_reply(session, number, reply_timeout)
            if outcome == "ended":
                assert session.ended is not None
                print(tr("cli.send.closed", reason=_reason(tr, session.ended)), file=sys.stderr, flush=True)
                return 1
            if outcome == "timeout":
                print(tr("cli.send.no_reply", number=number, seconds=tr.decimal(reply_timeout, 0)), file=sys.stderr)
                return 1
        client.disconnect(target.ending)
        session.wait(lambda: session.ended is not None, DISCONNECT_GRACE_SECONDS + 1.0)
        ended = session.ended
        if ended is not None and ended.reason is not DisconnectReason.REQUESTED:  # every reply came; say how it ended
            output.notice(tr("cli.disconnected", reason=_reason(tr, ended)), sys.stderr)
        return 0 if not output.broken else 1
    finally:
        client.close()


def _wait_for_reply(session: _Session, number: int, timeout: float) -> str:
    """Wait until message `number` has its whole reply ("ok"), the session ended ("ended"), or the
    server has been silent for `timeout` seconds ("timeout")."""
    while True:
        with session.changed:
            if session.answered_through >= number:
                return "ok"
            if session.ended is not None:
                return "ended"
            silent_until = session.last_activity + timeout
            left = silent_until - time.monotonic()
            if left <= 0:
                return "timeout"
            session.changed.wait(left)


# --- connect ----------------------------------------------------------------------


class _ConnectPrinter:
    """Writes what arrives as text as it arrives: each entry on a line, with its round trip or its kind."""

    def __init__(self, session: _Session, output: Output, tr: Translator, target: Target) -> None:
        self._session, self._output, self._tr, self._target = session, output, tr, target
        self._text: dict[int, VisibleText] = {}
        self._held_cr: dict[int, bool] = {}

    def __call__(self, event: Event) -> None:
        # The main thread acts on the session's state; a close is said before it can wake to exit,
        # anything else is recorded before it is said (the user may react to what they read).
        if not isinstance(event, Disconnected):
            self._session.update(event)
        tr = self._tr
        match event:
            case Connected(host=host, port=port, peer=peer, tls=tls):  # said from here, before any greeting
                if tls is not None and self._target.tls is not None:
                    self._output.notice(self._target.tls.connected(tls, tr))
                self._output.notice(tr("cli.connect.ready", address=describe_peer(host, peer, port)))
            case DataReceived():
                self._data(event)
            case DisconnectAnswered():
                self._output.notice(_word_answered(tr, event))
            case Disconnected():
                self._output.notice(tr("cli.disconnected", reason=_reason(tr, event)))
                self._session.update(event)

    def _data(self, piece: DataReceived) -> None:
        tr = self._tr
        start = ""
        if piece.entry_size == piece.size:  # the entry's first piece
            self._text[piece.entry] = VisibleText()
            if piece.reply_to is None:
                start = f"({tr('session.unsolicited')}) "
        data = piece.data
        if self._held_cr.pop(piece.entry, False):
            data = b"\r" + data  # a CR held back from the last piece: see below
        if piece.complete and piece.ending and data.endswith(piece.ending):
            data = data[: -len(piece.ending)]  # the line ending ends the line on screen
        elif not piece.complete and data.endswith(b"\r"):
            data, self._held_cr[piece.entry] = data[:-1], True  # maybe the start of a CRLF ending
        text = self._text[piece.entry].feed(data, final=piece.complete)
        if not piece.complete:
            self._output.write(start + text, ends_line=False)
            return
        del self._text[piece.entry]
        self._output.write(start + text + self._suffix(piece), ends_line=True)

    def _suffix(self, piece: DataReceived) -> str:
        tr = self._tr
        if piece.rtt is None or piece.reply_to is None:
            return ""
        if piece.reply_to < self._session.last_sent:  # a late reply: say which message it answers
            return f"  ({tr('cli.connect.late', number=piece.reply_to)} · {tr.duration(piece.rtt)})"
        return f"  ({tr.duration(piece.rtt)})"


_EOF = object()
_INTERRUPT = object()


def connect(
    target: Target, tr: Translator, stdin: BinaryIO | None = None, reply_wait: float = REPLY_WAIT_SECONDS
) -> int:
    """The interactive client; returns 0 after a requested disconnect, 1 otherwise."""
    inputs: queue.SimpleQueue[object] = queue.SimpleQueue()

    session = _Session()

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        inputs.put(_INTERRUPT)  # handled like Ctrl+D, whenever it comes: never a traceback
        session.interrupt()

    previous = {signum: signal.signal(signum, on_interrupt) for signum in platforms.interrupt_signals()}
    output = Output(sys.stdout)
    try:
        try:
            client = _open_client(target, _ConnectPrinter(session, output, tr, target), session, tr)
        except _Failed:
            return 1
        try:
            return _converse(client, session, output, target, tr, inputs, stdin or sys.stdin.buffer, reply_wait)
        finally:
            client.close()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _converse(
    client: TcpClient,
    session: _Session,
    output: Output,
    target: Target,
    tr: Translator,
    inputs: queue.SimpleQueue[object],
    stdin: BinaryIO,
    reply_wait: float,
) -> int:
    """Send each line typed, one at a time, until the session ends or the input does."""
    session.wait_quiet()
    _start_reader(stdin, inputs)
    sent = 0
    while session.ended is None:
        try:
            item = inputs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue
        if item is _EOF or item is _INTERRUPT:
            return _end(client, session, target)
        assert isinstance(item, bytes)
        try:
            data = _typed(_without_typed_newline(item), target.mode)
        except InputError as exc:  # nothing goes out: the user fixes it and types again
            output.notice(tr("cli.error", error=tr.input_error(exc)))
            continue
        try:
            client.send(data, target.ending)
        except LocalProtocolError:
            break  # the session ended meanwhile: the printer said so
        sent += 1
        if not session.answered_or_ended(sent, reply_wait):
            waiting = sent - session.answered_through
            output.notice(tr("cli.connect.still_waiting", count=waiting, seconds=tr.decimal(reply_wait, 1)))
    return _exit_code(session)


def _start_reader(stdin: BinaryIO, inputs: queue.SimpleQueue[object]) -> None:
    """Read lines (bytes, as typed) on a daemon thread: the main thread stays free to notice a close.

    It reads the raw stream (no buffered reader's lock), so the process can end while
    this thread still waits for input.
    """
    raw = getattr(stdin, "raw", stdin)

    def read() -> None:
        pending = b""
        with contextlib.suppress(OSError, ValueError):
            while chunk := raw.read(READ_CHUNK):
                pending += chunk
                while (cut := pending.find(b"\n") + 1) > 0:
                    inputs.put(pending[:cut])
                    pending = pending[cut:]
        if pending:
            inputs.put(pending)
        inputs.put(_EOF)

    threading.Thread(target=read, name="connect-stdin", daemon=True).start()


def _typed(line: bytes, mode: InputMode) -> bytes:
    """The bytes a typed line stands for: itself as text, or what its escapes or hex digits say."""
    if mode is InputMode.TEXT:
        return line
    return parse(line.decode("utf-8", "surrogateescape"), mode)


def _without_typed_newline(line: bytes) -> bytes:
    """The line as typed, without the Enter that ended it (LF, or CRLF from a Windows console)."""
    if line.endswith(b"\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(b"\n") else line


def _end(client: TcpClient, session: _Session, target: Target) -> int:
    """Ctrl+D or Ctrl+C: the polite disconnect, bounded."""
    client.disconnect(target.ending)
    session.wait(lambda: session.ended is not None, DISCONNECT_GRACE_SECONDS + 1.0)
    return _exit_code(session)


def _exit_code(session: _Session) -> int:
    ended = session.ended
    return 0 if ended is not None and ended.reason is DisconnectReason.REQUESTED else 1


# --- words shared by both ------------------------------------------------------


def _reason(tr: Translator, event: Disconnected) -> str:
    reason = tr.reason(event.reason)
    return f"{reason}: {tr.error(event.error)}" if event.error is not None else reason


def _word_answered(tr: Translator, event: DisconnectAnswered) -> str:
    if event.ending and not event.polite:
        return tr("session.word_answered_ending", ending=ending_name(event.ending))
    return tr("session.word_answered")


def _more(tr: Translator, size: int, shown: bytes) -> str:
    left = size - len(shown)
    return f" {tr('session.more_bytes', count=tr.count(left))}" if left > 0 else ""
