"""A stand-in for the window's network: it records what the window asks and lets a test play the core's part.

Give it to the window (`create_app(network=FakeNetwork())`) where real sockets add
nothing to what a test checks; `emit()` delivers an event as the core would, from
the calling thread, through the window's own queue.
"""

from __future__ import annotations

from collections.abc import Callable

from core.client import ClientState
from core.defaults import LineEnding
from core.events import Event
from core.tls import ClientContext, TlsIdentity


class FakeNetwork:
    """Implements gui.network.NetworkPort; `calls` lists every request, as (name, *arguments).

    TLS is not in `calls`: the last server identity and client context asked for are kept in `server_tls` and
    `client_tls`.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.client_state = ClientState.IDLE
        self.server_address: tuple[str, int] | None = None
        self.server_tls: TlsIdentity | None = None
        self.client_tls: ClientContext | None = None
        self._on_event: Callable[[Event], None] = lambda event: None

    def attach(self, on_event: Callable[[Event], None]) -> None:
        self._on_event = on_event

    def emit(self, event: Event) -> None:
        """Deliver `event` to the window as the core would."""
        self._on_event(event)

    def start_server(self, host: str, port: int, tls: TlsIdentity | None = None) -> None:
        self.calls.append(("start_server", host, port))
        self.server_tls = tls

    def stop_server(self) -> None:
        self.calls.append(("stop_server",))

    def disconnect_clients(self, client_ids: list[int]) -> None:
        self.calls.append(("disconnect_clients", client_ids))

    def disconnect_all_clients(self) -> None:
        self.calls.append(("disconnect_all_clients",))

    def push(self, client_ids: list[int] | None, data: bytes) -> None:
        self.calls.append(("push", client_ids, data))

    def connect(self, host: str, port: int, tls: ClientContext | None = None) -> None:
        self.calls.append(("connect", host, port))
        self.client_tls = tls

    def send(self, data: bytes, ending: LineEnding) -> bool:
        self.calls.append(("send", data, ending))
        return self.client_state is ClientState.CONNECTED

    def disconnect(self, ending: LineEnding) -> None:
        self.calls.append(("disconnect", ending))

    def shutdown(self) -> None:
        self.calls.append(("shutdown",))
