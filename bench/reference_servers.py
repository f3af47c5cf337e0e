"""Plain uppercase servers in Python to measure Mayus against.

- `streams`: asyncio streams, one `readline()` per line, `write` + `drain` per reply:
  the way most tutorials write it.
- `protocol`: a bare `asyncio.Protocol` that uppercases each chunk as it arrives.
- `uvloop`: the same `protocol` server on uvloop's event loop instead of the standard one.

(The bench's fastest reference, `c-epoll`, is in C: bench/c/epoll_server.c.)

All honour the part of the protocol the benchmark relies on: every line comes back
uppercased by Unicode rules (an incremental UTF-8 decoder keeps characters split
between reads whole; invalid bytes come back unchanged), and a DESCONEXION line ends
the session. Neither has Mayus's events, counters, limits or hold-back.

    python -m bench.reference_servers streams|protocol|uvloop [--host H] [--port P]

prints `listening on HOST:PORT` first, and stops cleanly on SIGINT or SIGTERM (and SIGBREAK on Windows).
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import signal
import sys
from collections.abc import Sequence
from typing import cast

from core import platforms
from core.defaults import DEFAULT_HOST, DEFAULT_PORT, DISCONNECT_WORD

STREAM_LINE_LIMIT = 1024 * 1024  # readline's default of 64 KiB is too short for 64 KiB messages
_WORD = DISCONNECT_WORD.lower().encode("ascii")


def _new_decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")("surrogateescape")


def _is_word(line: bytes) -> bool:
    return line.strip().lower() == _WORD


async def _handle_stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    decoder = _new_decoder()
    try:
        while line := await reader.readline():
            if _is_word(line):
                break
            writer.write(decoder.decode(line).upper().encode("utf-8", "surrogateescape"))
            await writer.drain()
    except (ConnectionError, ValueError):  # reset, or a line longer than the limit
        pass
    finally:
        writer.close()


class UppercaseProtocol(asyncio.Protocol):
    """Uppercase every chunk as it arrives; a DESCONEXION line closes the connection."""

    def __init__(self, connections: set[asyncio.Transport]) -> None:
        self._connections = connections
        self._decoder = _new_decoder()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A cast, not an isinstance check: uvloop's transports do not subclass asyncio.Transport.
        self._transport = cast(asyncio.Transport, transport)
        self._connections.add(self._transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._connections.discard(self._transport)

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        if _WORD in data.lower():
            self._lines_until_word(data)
            return
        self._transport.write(self._decoder.decode(data).upper().encode("utf-8", "surrogateescape"))

    def _lines_until_word(self, data: bytes) -> None:
        assert self._transport is not None
        for line in data.splitlines(keepends=True):
            if _is_word(line):
                self._transport.close()
                return
            self._transport.write(self._decoder.decode(line).upper().encode("utf-8", "surrogateescape"))


async def serve(kind: str, host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def request_stop() -> None:
        if not stop.done():
            stop.set_result(None)

    for signum in platforms.stop_signals():
        try:
            loop.add_signal_handler(signum, request_stop)
        except NotImplementedError:  # Windows' event loops have none: a plain handler that wakes the loop
            signal.signal(signum, lambda _signum, _frame: loop.call_soon_threadsafe(request_stop))
    connections: set[asyncio.Transport] = set()
    if kind == "streams":
        server = await asyncio.start_server(_handle_stream, host, port, limit=STREAM_LINE_LIMIT, backlog=1024)
    else:
        server = await loop.create_server(lambda: UppercaseProtocol(connections), host, port, backlog=1024)
    bound_host, bound_port = server.sockets[0].getsockname()[:2]
    print(f"listening on {bound_host}:{bound_port} ({kind} reference server)", flush=True)
    await stop
    server.close()
    for transport in list(connections):
        transport.abort()
    if kind == "streams":
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()
    print("server stopped", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reference_servers", description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("streams", "protocol", "uvloop"))
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    if args.kind == "uvloop":
        import uvloop  # only this server needs it; the others run where uvloop is missing

        uvloop.run(serve(args.kind, args.host, args.port))  # the protocol server, on uvloop
    else:
        asyncio.run(serve(args.kind, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
