"""The server checks themselves: each opens its own connections, talks, and returns a Verdict.

A check judges by what a user sees: the bytes that come back, concatenated, must equal the uppercase
of the bytes sent, however the server chunks them. Each reads only until its context's deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from core.check import registry as ids
from core.check.results import ServerKind
from core.check.server_context import ConnectFailed, ServerContext
from core.check.verdicts import Verdict, fail, judge_reply, ok, seconds
from core.check.wire import Conn, ReadStatus, Reply

GREETING = "hola servidor"
# How long the probe waits for a reply to a message with no newline before it sends the newline:
# a server that takes each read as a message has answered long before.
BARE_REPLY_WAIT_SECONDS = 0.7
# The gap between the two pieces of a split message: long enough that the server reads them apart.
PIECE_GAP_SECONDS = 0.2
# How long a second client waits for its reply while the first stays connected and idle.
SECOND_CLIENT_WAIT_SECONDS = 2.2
CLOSE_WAIT_SECONDS = 1.3  # a server closes at once after DESCONEXION; this is generous
UNICODE_TEXT = "ñandú camión straße"
SPLIT_TEXT = "año"  # sent as b"a\xc3" then b"\xb1o": the "ñ" split between its two bytes
LONG_MESSAGE_BYTES = 100_000
PIPELINED_MESSAGES = 1000
CONVERSATION = ("uno", "dos", "tres")
TWO_LINES = b"primero\nsegundo\n"
# The slow reader: a client with small kernel buffers sends without reading, a megabyte at a time for as
# long as the server takes it (up to SLOW_READER_MAX_BYTES), until the server's buffers and its send to the
# slow client are full; then another client asks. With small buffers on the slow client's side, what the
# server has not taken waits in the checker, where the checker sees the server take it (or stop taking it).
SLOW_READER_BUFFERS = 65536
# Long lines: a server that blocks on its send to the slow client is then stuck inside one send of a reply
# far bigger than what the slow client's closed window lets through now and then (the kernel probes it).
SLOW_READER_LINE = b"abcdefghij" * 26214 + b"abc\n"  # 256 KiB
SLOW_READER_CHUNK = SLOW_READER_LINE * 4
SLOW_READER_MAX_BYTES = 48 * len(SLOW_READER_CHUNK)
SLOW_READER_TRIES = 3
STALL_STEADY_SECONDS = 0.3  # the server took nothing from the slow client this long: it stopped reading it
STALL_WAIT_SECONDS = 1.2
DRAIN_QUIET_SECONDS = 1.0
RESET_PAUSE_SECONDS = 0.2  # a new client comes a moment after the reset, as in a classroom

ServerCheck = Callable[[ServerContext], Awaitable[Verdict]]


def upper(data: bytes) -> bytes:
    """The uppercase of UTF-8 bytes, by Unicode rules (ß becomes SS)."""
    return data.decode("utf-8").upper().encode("utf-8")


async def ask(ctx: ServerContext, conn: Conn, message: bytes, seconds_: float, lines: bool | None = None) -> Verdict:
    """Send one message and judge what comes back within `seconds_`."""
    conn.write(message)
    started = ctx.now()
    reply = await conn.read_reply(upper(message), ctx.until(seconds_), ctx.lines if lines is None else lines)
    return judge_reply(reply, upper(message), ctx.now() - started, message)


async def probe(ctx: ServerContext, conn: Conn) -> tuple[Verdict, ServerKind]:
    """caso1, and what kind of server this is: "hola servidor" with no newline, then the newline if needed."""
    bare = GREETING.encode("utf-8")
    conn.write(bare)
    started = ctx.now()
    first = await conn.read_some(ctx.until(BARE_REPLY_WAIT_SECONDS))
    if first:  # it answered a message with no newline: every read is a message
        reply = await conn.read_reply(upper(bare), ctx.deadline, already=first)
        return judge_reply(reply, upper(bare), ctx.now() - started), ServerKind.CHUNKS
    if first == b"":
        status = ReadStatus.RESET if conn.broken else ReadStatus.CLOSED
        key = "check.detail.reset-mid-reply" if status is ReadStatus.RESET else "check.detail.closed-mid-reply"
        return fail(key, got=0, expected=len(bare)), ServerKind.UNKNOWN
    line = bare + b"\n"
    conn.write(b"\n")
    reply = await conn.read_reply(upper(line), ctx.deadline, lines=True)
    kind = ServerKind.LINES if reply.data else ServerKind.UNKNOWN
    return judge_reply(reply, upper(line), ctx.now() - started), kind


async def concurrent_clients(ctx: ServerContext, first: Conn) -> Verdict:
    """A second client is served while the first stays connected and idle.

    If it is not, the first leaves and the second keeps waiting for its reply: a server that serves one
    client at a time is told apart from one that serves nobody, and is not left with a broken connection.
    """
    second = await ctx.connect()
    message = ctx.frame(GREETING)
    second.write(message)
    reply = await second.read_reply(upper(message), ctx.until(SECOND_CLIENT_WAIT_SECONDS), ctx.lines)
    if reply.status is ReadStatus.MATCH:
        return ok("check.detail.second-client-served")
    if reply.status is not ReadStatus.TIMEOUT or ctx.kind is ServerKind.UNKNOWN:
        return judge_reply(reply, upper(message), SECOND_CLIENT_WAIT_SECONDS)
    await first.close()
    late = await second.read_reply(upper(message), ctx.deadline, ctx.lines, already=reply.data)
    if late.status is ReadStatus.MATCH:
        return fail("check.detail.second-client-waited", seconds=seconds(SECOND_CLIENT_WAIT_SECONDS))
    return fail("check.detail.second-client-unserved", seconds=seconds(SECOND_CLIENT_WAIT_SECONDS))


async def _closes_after(ctx: ServerContext, word: str) -> Verdict:
    conn = await ctx.connect()
    conn.write(ctx.frame(word))
    closed, _ = await conn.wait_closed_by_peer(ctx.until(CLOSE_WAIT_SECONDS))
    if closed:
        return ok("check.detail.closed-as-asked", word=word)
    return fail("check.detail.not-closed", word=word, seconds=seconds(CLOSE_WAIT_SECONDS))


async def caso2(ctx: ServerContext) -> Verdict:
    return await _closes_after(ctx, "DESCONEXION")


async def desconexion_any_case(ctx: ServerContext) -> Verdict:
    for word in ("desconexion", "Desconexion"):
        verdict = await _closes_after(ctx, word)
        if not verdict.passed:
            return verdict
    return ok("check.detail.closed-as-asked", word="desconexion, Desconexion")


async def unicode(ctx: ServerContext) -> Verdict:
    return await ask(ctx, await ctx.connect(), ctx.frame(UNICODE_TEXT), ctx.deadline - ctx.now())


async def _in_two_pieces(ctx: ServerContext, first: bytes, second: bytes) -> Verdict:
    """Send a message in two pieces PIECE_GAP_SECONDS apart; judge everything that comes back."""
    conn = await ctx.connect()
    expected = upper(first + second)
    conn.write(first)
    started = ctx.now()
    early = bytearray()
    gap_over = ctx.until(PIECE_GAP_SECONDS)
    while chunk := await conn.read_some(gap_over):  # a server may answer the first piece at once
        early += chunk
    if conn.eof or conn.broken:
        status = ReadStatus.RESET if conn.broken else ReadStatus.CLOSED
        return judge_reply(Reply(status, bytes(early)), expected, ctx.now() - started)
    conn.write(second)
    reply = await conn.read_reply(expected, ctx.deadline, ctx.lines, already=bytes(early))
    return judge_reply(reply, expected, ctx.now() - started, first + second)


async def one_message_two_packets(ctx: ServerContext) -> Verdict:
    message = ctx.frame(GREETING)
    return await _in_two_pieces(ctx, message[:5], message[5:])  # "hola " then "servidor"


async def split_utf8(ctx: ServerContext) -> Verdict:
    message = ctx.frame(SPLIT_TEXT)
    return await _in_two_pieces(ctx, message[:2], message[2:])  # b"a\xc3" then b"\xb1o"


async def two_messages_one_packet(ctx: ServerContext) -> Verdict:
    # Always lines: two messages with no separator would be one message to any server.
    return await ask(
        ctx, await ctx.connect(), TWO_LINES, ctx.deadline - ctx.now(), lines=ctx.kind is not ServerKind.CHUNKS
    )


async def conversation(ctx: ServerContext) -> Verdict:
    conn = await ctx.connect()
    for text in CONVERSATION:
        verdict = await ask(ctx, conn, ctx.frame(text), ctx.deadline - ctx.now())
        if not verdict.passed:
            return verdict
    return ok("check.detail.conversation-ok", count=len(CONVERSATION))


def long_text(size: int) -> str:
    pattern = "".join(f"{i:05d} abcdefghijklmnopqrstuvwxyz " for i in range(size // 32 + 1))
    return pattern[:size]


async def long_message(ctx: ServerContext) -> Verdict:
    return await ask(ctx, await ctx.connect(), ctx.frame(long_text(LONG_MESSAGE_BYTES)), ctx.deadline - ctx.now())


async def pipelined(ctx: ServerContext) -> Verdict:
    burst = b"".join(f"mensaje {i:04d}\n".encode("ascii") for i in range(1, PIPELINED_MESSAGES + 1))
    return await ask(ctx, await ctx.connect(), burst, ctx.deadline - ctx.now(), lines=ctx.kind is not ServerKind.CHUNKS)


async def half_close(ctx: ServerContext) -> Verdict:
    conn = await ctx.connect()
    message = ctx.frame(GREETING)
    conn.write(message)
    conn.shutdown_write()
    started = ctx.now()
    reply = await conn.read_reply(upper(message), ctx.deadline, ctx.lines)
    verdict = judge_reply(reply, upper(message), ctx.now() - started)
    if not verdict.passed:
        return verdict
    closed, _ = await conn.wait_closed_by_peer(ctx.until(CLOSE_WAIT_SECONDS))
    return verdict if closed else fail("check.detail.no-close-after-eof", seconds=seconds(CLOSE_WAIT_SECONDS))


class _Flood:
    """What the slow client sends: another chunk whenever less than one waits to be sent, up to the most."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.written = 0

    def top_up(self) -> None:
        if self.conn.write_buffer_size < len(SLOW_READER_CHUNK) and self.written < SLOW_READER_MAX_BYTES:
            self.conn.write(SLOW_READER_CHUNK)
            self.written += len(SLOW_READER_CHUNK)

    @property
    def waiting(self) -> int:
        return self.conn.write_buffer_size


async def _wait_for_stall(ctx: ServerContext, flood: _Flood) -> None:
    """Feed the slow client's flood until the server stops taking it (STALL_STEADY_SECONDS with no progress
    and something still waiting), at most STALL_WAIT_SECONDS."""
    deadline = ctx.until(STALL_WAIT_SECONDS)
    flood.top_up()
    last, steady_since = flood.waiting, ctx.now()
    while ctx.now() < deadline and (ctx.now() - steady_since < STALL_STEADY_SECONDS or not last):
        await asyncio.sleep(0.02)
        flood.top_up()
        if flood.waiting != last:
            last, steady_since = flood.waiting, ctx.now()
        elif not last and flood.written >= SLOW_READER_MAX_BYTES:
            return  # it took everything: it is not stuck with this client


async def slow_reader(ctx: ServerContext) -> Verdict:
    """While one client sends a lot and reads nothing, another client is still served.

    The other client's answer counts only if the server took nothing from the slow client before, during
    and a while after it (it was stuck with the slow one, as a server that blocks on a send would be, and
    not merely slow); else the other client asks again.
    """
    slow = await ctx.connect(buffers=SLOW_READER_BUFFERS)
    slow.pause_reading()
    flood = _Flood(slow)
    other = await ctx.connect()
    message = ctx.frame(GREETING)
    for _ in range(SLOW_READER_TRIES):
        await _wait_for_stall(ctx, flood)
        before = flood.waiting
        other.write(message)
        reply = await other.read_reply(upper(message), ctx.until(SECOND_CLIENT_WAIT_SECONDS), ctx.lines)
        if reply.status is not ReadStatus.MATCH or before == 0:
            break
        # Stuck with the slow client before, during and a while after: it served the other one anyway.
        await asyncio.sleep(min(STALL_STEADY_SECONDS, max(0.0, ctx.deadline - ctx.now())))
        if flood.waiting == before:
            break
    # The slow client reads at last, so its connection ends gracefully and the server is left healthy.
    slow.resume_reading()
    await slow.drain(flood.written, ctx.deadline, DRAIN_QUIET_SECONDS)
    await slow.close()  # a server that serves one client at a time turns to the other now
    if reply.status is ReadStatus.MATCH:
        return ok("check.detail.slow-reader-ok")
    if reply.status is ReadStatus.TIMEOUT:
        if ctx.kind is not ServerKind.UNKNOWN:  # let a server that serves one client at a time finish with it
            await other.read_reply(upper(message), ctx.deadline, ctx.lines, already=reply.data)
        return fail("check.detail.slow-reader-stalled", seconds=seconds(SECOND_CLIENT_WAIT_SECONDS))
    return judge_reply(reply, upper(message), SECOND_CLIENT_WAIT_SECONDS)


async def abrupt_close(ctx: ServerContext) -> Verdict:
    """After a client resets its connection, a new client is still served."""
    first = await ctx.connect()
    hello = ctx.frame(GREETING)
    served = await ask(ctx, first, hello, SECOND_CLIENT_WAIT_SECONDS / 2)
    if not served.passed:
        return fail("check.detail.first-client-unserved")
    first.reset()
    await asyncio.sleep(RESET_PAUSE_SECONDS)
    try:
        verdict = await ask(ctx, await ctx.connect(), hello, ctx.deadline - ctx.now())
    except ConnectFailed:
        return fail("check.detail.new-client-refused")
    if verdict.passed:
        return ok("check.detail.new-client-served")
    return fail("check.detail.new-client-unserved")


# The checks after the probe, by id (caso1 and concurrent-clients are the probe: the runner calls them).
CHECKS: dict[str, ServerCheck] = {
    ids.CASO2: caso2,
    ids.DESCONEXION_ANY_CASE: desconexion_any_case,
    ids.UNICODE: unicode,
    ids.ONE_MESSAGE_TWO_PACKETS: one_message_two_packets,
    ids.TWO_MESSAGES_ONE_PACKET: two_messages_one_packet,
    ids.CONVERSATION: conversation,
    ids.LONG_MESSAGE: long_message,
    ids.PIPELINED: pipelined,
    ids.HALF_CLOSE: half_close,
    ids.SLOW_READER: slow_reader,
    ids.SPLIT_UTF8: split_utf8,
    ids.ABRUPT_CLOSE: abrupt_close,
}
