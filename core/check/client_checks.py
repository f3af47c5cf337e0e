"""The client checks: each starts the program, types as a student would, plays the server, and judges
what went over the wire and what the program printed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from core.check import registry as ids
from core.check.client_context import ClientContext
from core.check.server_checks import PIECE_GAP_SECONDS, upper
from core.check.verdicts import Verdict, fail, ok, seconds
from core.check.wire import Conn

GREETING = "hola servidor"
UNICODE_TEXT = "ñandú camión"
SPLIT_TEXT = "año"  # its reply "AÑO" is sent as b"A\xc3", then b"\x91O..."
AGAIN = "hola otra vez"
WORD = "DESCONEXION"
# After the last byte of a reply, a program has this long to print it.
PRINT_WAIT_SECONDS = 1.5
# A program has this long to close its socket, and then to end, after DESCONEXION or the server's close.
END_WAIT_SECONDS = 1.5

ClientCheck = Callable[[ClientContext], Awaitable[Verdict]]


async def _reply_in_pieces(conn: Conn, reply: bytes, cuts: tuple[int, ...]) -> None:
    """Send `reply` cut at `cuts` (byte offsets), PIECE_GAP_SECONDS between the pieces."""
    start = 0
    for cut in (*cuts, len(reply)):
        if start:
            await asyncio.sleep(PIECE_GAP_SECONDS)
        conn.write(reply[start:cut])
        start = cut


async def _exchange(ctx: ClientContext, typed: str, cuts: tuple[int, ...] = ()) -> Verdict:
    """Type a line, answer it (in pieces if `cuts`), and see whether the program prints the whole reply."""
    conn = await ctx.start()
    assert ctx.program is not None
    await ctx.type_line(typed)
    message = await ctx.receive_typed(typed)
    await _reply_in_pieces(conn, upper(message), cuts)
    expected = typed.upper()
    if await ctx.program.wait_printed(expected, ctx.until(PRINT_WAIT_SECONDS)):
        return ok("check.detail.printed", text=expected)
    if ctx.program.exit_code is not None:
        return fail("check.detail.ended-before-printing", text=expected, code=ctx.program.exit_code)
    return fail("check.detail.not-printed", text=expected, seconds=seconds(PRINT_WAIT_SECONDS))


async def caso1(ctx: ClientContext) -> Verdict:
    return await _exchange(ctx, GREETING)


async def split_reply(ctx: ClientContext) -> Verdict:
    return await _exchange(ctx, GREETING, cuts=(len("HOLA "),))


async def unicode(ctx: ClientContext) -> Verdict:
    return await _exchange(ctx, UNICODE_TEXT)


async def split_utf8(ctx: ClientContext) -> Verdict:
    return await _exchange(ctx, SPLIT_TEXT, cuts=(2,))  # between the two bytes of "Ñ"


async def caso2(ctx: ClientContext) -> Verdict:
    """Typing DESCONEXION sends it; the server closes, as the original does; the client closes and ends.

    The checker only shuts its sending side, so it still sees the client close its socket.
    """
    conn = await ctx.start()
    assert ctx.program is not None
    await ctx.type_line(WORD)
    await ctx.receive_typed(WORD)
    conn.shutdown_write()
    closed, _ = await conn.wait_closed_by_peer(ctx.until(END_WAIT_SECONDS))
    if not closed:
        return fail("check.detail.socket-left-open", seconds=seconds(END_WAIT_SECONDS))
    code = await ctx.program.wait_exit(ctx.until(END_WAIT_SECONDS))
    if code is None:
        return fail("check.detail.kept-running", seconds=seconds(END_WAIT_SECONDS))
    return ok("check.detail.closed-and-ended", code=code)


async def server_closes(ctx: ClientContext) -> Verdict:
    """After one exchange the server closes; the student types again (twice if need be); the program must
    notice, say something and end, instead of hanging or spinning."""
    conn = await ctx.start()
    program = ctx.program
    assert program is not None
    await ctx.type_line(GREETING)
    conn.write(upper(await ctx.receive_typed(GREETING)))
    await program.wait_printed(GREETING.upper(), ctx.until(PRINT_WAIT_SECONDS))
    await conn.close()
    printed_before = program.printed_length()
    for _ in range(2):
        if program.exit_code is None:
            await program.type_line(AGAIN)  # it may have stopped reading its input: that is no failure here
        code = await program.wait_exit(ctx.until(END_WAIT_SECONDS / 2))
        if code is not None:
            break
    else:
        code = await program.wait_exit(ctx.until(END_WAIT_SECONDS))
    if code is None:
        return fail("check.detail.kept-running", seconds=seconds(END_WAIT_SECONDS))
    await program.wait_output_closed(ctx.until(END_WAIT_SECONDS))
    if program.printed_length() == printed_before:
        return fail("check.detail.ended-silently", code=code)
    return ok("check.detail.noticed-close", code=code)


CHECKS: dict[str, ClientCheck] = {
    ids.CLIENT_CASO1: caso1,
    ids.CLIENT_CASO2: caso2,
    ids.CLIENT_SPLIT_REPLY: split_reply,
    ids.CLIENT_UNICODE: unicode,
    ids.CLIENT_SPLIT_UTF8: split_utf8,
    ids.CLIENT_SERVER_CLOSES: server_closes,
}
