"""OSError becomes a named kind, in one place (words/ says it in a sentence)."""

from __future__ import annotations

import asyncio
import errno
import socket

import pytest

from core.errors import ErrorKind, NetworkError, classify, error_info
from core.server import ServerConfig, UppercaseServer


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (OSError(errno.EADDRINUSE, "Address already in use"), ErrorKind.PORT_IN_USE),
        (OSError(errno.EACCES, "Permission denied"), ErrorKind.PERMISSION_DENIED),
        (OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address"), ErrorKind.ADDRESS_NOT_AVAILABLE),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), ErrorKind.CONNECTION_REFUSED),
        (OSError("Multiple exceptions: [Errno 111] Connect call failed"), ErrorKind.CONNECTION_REFUSED),
        # uvloop words it as the system does, and joins several addresses' errors without an errno.
        (
            OSError("Multiple exceptions: [Errno 111] Connection refused, [Errno 111] Connection refused"),
            ErrorKind.CONNECTION_REFUSED,
        ),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), ErrorKind.HOST_NOT_FOUND),
        (TimeoutError(), ErrorKind.TIMED_OUT),
        (asyncio.TimeoutError(), ErrorKind.TIMED_OUT),  # its own class before Python 3.11
        (ConnectionResetError(errno.ECONNRESET, "reset"), ErrorKind.CONNECTION_RESET),
        (BrokenPipeError(errno.EPIPE, "broken pipe"), ErrorKind.CONNECTION_RESET),
        (OSError("could not bind on any address out of [('192.0.2.1', 0)]"), ErrorKind.ADDRESS_NOT_AVAILABLE),
        (OSError(errno.EMFILE, "Too many open files"), ErrorKind.TOO_MANY_OPEN_FILES),
        (OSError(errno.ENOSPC, "No space left"), ErrorKind.UNEXPECTED),
    ],
)
def test_each_socket_error_gets_its_kind(exc: BaseException, kind: ErrorKind) -> None:
    assert classify(exc) is kind


def test_unexpected_errors_keep_their_detail_for_the_user() -> None:
    info = error_info(OSError(errno.ENOSPC, "No space left on device"), "h", 1)
    assert info.kind is ErrorKind.UNEXPECTED and "No space left on device" in info.detail


@pytest.mark.usefixtures("each_loop")
def test_an_address_of_another_computer_cannot_be_listened_on() -> None:
    # 192.0.2.1 is reserved for documentation: binding fails locally, no packet is sent.
    server = UppercaseServer(ServerConfig(host="192.0.2.1", port=0), lambda e: None)
    server.start()
    with pytest.raises(NetworkError) as caught:
        server.wait_started()
    server.stop()
    assert caught.value.info.kind is ErrorKind.ADDRESS_NOT_AVAILABLE
    assert "192.0.2.1" in str(caught.value)
