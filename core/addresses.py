"""Where a server listens, on both IP families and one port, and how an address is written.

What a user asks for, and what the server binds (`listen_plan`):
- `localhost` (the default): this computer only, 127.0.0.1 and ::1;
- `::` (or an empty host, or `*`): every interface, IPv6 and IPv4;
- `0.0.0.0`: every IPv4 interface, and nothing else, as its name says;
- any other address: that address; a name: every address it resolves to.
IPv6 is skipped where this machine has none (an IPv4 listener alone is still a server),
but never when IPv6 was asked for by address. One socket per family, the IPv6 one
IPv6-only, so both take the same port on every system (dual-stack sockets are not
available everywhere). With port 0 the system picks a port free on both families.

IPv4 comes first where both are, so the first address said is the one most tools reach.
`open_listeners` binds: SO_REUSEADDR on POSIX (a restarted server gets its port back at
once), SO_EXCLUSIVEADDRUSE on Windows (where SO_REUSEADDR would let a second server
take a port already in use). It raises OSError as the socket calls do; core/errors.py names it.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
from dataclasses import dataclass

from core import platforms

LOOPBACK_HOST = "localhost"
EVERY_INTERFACE_HOST = "::"
_EVERY_INTERFACE_SPELLINGS = ("", "*", EVERY_INTERFACE_HOST)
# With port 0, a port free on the first family may be taken on the next: try again with another.
PORT_ATTEMPTS = 8
# The errors of a machine that has no IPv6 (turned off, or no such address): skip that family.
_NO_SUCH_FAMILY = (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL, errno.EPROTONOSUPPORT)


def join_host_port(host: str, port: int) -> str:
    """How an address is typed: 127.0.0.1:5000, [::1]:5000, localhost:5000."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def join_addresses(addresses: tuple[str, ...] | list[str], port: int) -> str:
    """Every address a server listens on, as typed: 127.0.0.1:5000, [::1]:5000."""
    return ", ".join(join_host_port(address, port) for address in addresses)


def describe_peer(host: str, peer: str, port: int) -> str:
    """A connection's far end as asked for, and the address it turned out to be when that differs:
    localhost:5000 ([::1]:5000)."""
    asked = join_host_port(host, port)
    return asked if peer in ("", host) else f"{asked} ({join_host_port(peer, port)})"


@dataclass(frozen=True)
class Bind:
    """One address to listen on; `optional`: skipped where this machine lacks its family."""

    family: int
    address: str
    optional: bool = False


def listen_plan(host: str) -> list[Bind]:
    """The addresses a server asked to listen on `host` binds (see the module's docstring).

    A name other than localhost is resolved (socket.gaierror if it cannot be): each of its
    addresses is tried, and at least one must bind.
    """
    if host == LOOPBACK_HOST:
        return [Bind(socket.AF_INET, "127.0.0.1"), Bind(socket.AF_INET6, "::1", optional=True)]
    if host in _EVERY_INTERFACE_SPELLINGS:
        return [Bind(socket.AF_INET, "0.0.0.0"), Bind(socket.AF_INET6, "::", optional=True)]
    with contextlib.suppress(ValueError):
        ip = ipaddress.ip_address(host.split("%")[0])
        return [Bind(socket.AF_INET6 if ip.version == 6 else socket.AF_INET, host)]
    found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    binds: list[Bind] = []
    for family, _type, _proto, _name, sockaddr in found:
        bind = Bind(int(family), str(sockaddr[0]), optional=True)
        if family in (socket.AF_INET, socket.AF_INET6) and bind not in binds:
            binds.append(bind)
    return binds


def open_listeners(host: str, port: int, backlog: int) -> list[socket.socket]:
    """Bind and listen on every address of `listen_plan(host)`, all on one port; return the sockets.

    They are non-blocking, and the caller closes them. On error none is left open, and the
    OSError of the first address that failed is raised (EADDRINUSE, EACCES, ...).
    """
    plan = listen_plan(host)
    for attempt in range(PORT_ATTEMPTS):
        try:
            return _bind_all(plan, port, backlog)
        except _PortTakenOnAnotherFamily:
            if attempt == PORT_ATTEMPTS - 1:
                raise OSError(errno.EADDRINUSE, "no port is free on every family") from None
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


class _PortTakenOnAnotherFamily(Exception):
    """The port the system picked for the first address is taken on a later one (port 0 only)."""


def _bind_all(plan: list[Bind], port: int, backlog: int) -> list[socket.socket]:
    sockets: list[socket.socket] = []
    chosen_by_system = port == 0
    skipped: OSError | None = None
    try:
        for bind in plan:
            try:
                sock = _listening_socket(bind, port, backlog)
            except OSError as exc:
                if bind.optional and exc.errno in _NO_SUCH_FAMILY:
                    skipped = exc  # this machine has no such family (IPv6 turned off): the others serve
                    continue
                if sockets and chosen_by_system and exc.errno == errno.EADDRINUSE:
                    raise _PortTakenOnAnotherFamily from exc
                raise
            sockets.append(sock)
            port = _port_of(sock)
        if not sockets:
            raise skipped or OSError(errno.EADDRNOTAVAIL, "no address to listen on")
        return sockets
    except BaseException:
        for sock in sockets:
            sock.close()
        raise


def _port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def _listening_socket(bind: Bind, port: int, backlog: int) -> socket.socket:
    sock = socket.socket(bind.family, socket.SOCK_STREAM)
    try:
        level, option = reuse_option()
        sock.setsockopt(level, option, 1)
        if bind.family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # IPv4 has its own socket
        sock.bind((bind.address, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def reuse_option() -> tuple[int, int]:
    """The socket option a listener sets: SO_EXCLUSIVEADDRUSE on Windows, SO_REUSEADDR elsewhere.

    On POSIX, SO_REUSEADDR lets a restarted server bind while its old connections linger
    (TIME_WAIT), and still refuses a port another server listens on. On Windows it would let
    two servers share a port; SO_EXCLUSIVEADDRUSE refuses that, so "port in use" is said.
    """
    if platforms.WINDOWS:
        return socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE  # type: ignore[attr-defined,unused-ignore]
    return socket.SOL_SOCKET, socket.SO_REUSEADDR
