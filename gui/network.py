"""The window's hold on the core: one server and one client, never blocking the Tk thread.

Every call here returns at once. Stopping a server joins its worker thread, so it
runs on a short-lived helper thread; `shutdown()` (window closing) is the one
call that waits, bounded, so that no thread is left and the port is free at once.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from core.client import ClientState, UppercaseClient
from core.defaults import DEFAULT_CONNECT_TIMEOUT, STOP_TIMEOUT_SECONDS, LineEnding
from core.errors import LocalProtocolError
from core.events import Event
from core.server import ServerConfig, UppercaseServer


@dataclass(frozen=True, slots=True)
class ServerReleased:
    """The window's own event: a server was stopped and its thread joined; the port is free."""


AppEvent = Event | ServerReleased


class Network:
    def __init__(self, on_event: Callable[[AppEvent], None], connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        self._on_event = on_event
        self.connect_timeout = connect_timeout  # seconds; applies from the next connect (tests shorten it)
        self._server: UppercaseServer | None = None
        self._client = UppercaseClient(on_event)
        self._stoppers: list[threading.Thread] = []

    # -- server ----------------------------------------------------------------

    @property
    def server_address(self) -> tuple[str, int] | None:
        return self._server.address if self._server is not None else None

    def start_server(self, host: str, port: int) -> None:
        """ServerStarted, or ServerError then ServerStopped, follow as events."""
        if self._server is not None:
            raise LocalProtocolError("server already running; stop it first")
        self._server = UppercaseServer(ServerConfig(host=host, port=port), self._on_event)
        self._server.start()

    def stop_server(self) -> None:
        """Stop the server (also after a failed start); ServerReleased follows once its thread ended."""
        server, self._server = self._server, None
        if server is None:
            return

        def stop() -> None:
            server.stop(STOP_TIMEOUT_SECONDS)
            self._on_event(ServerReleased())

        self._stoppers = [t for t in self._stoppers if t.is_alive()]
        stopper = threading.Thread(target=stop, name="mayus-gui-stopper", daemon=True)
        self._stoppers.append(stopper)
        stopper.start()

    def disconnect_clients(self, client_ids: list[int]) -> None:
        if self._server is not None:
            for client_id in client_ids:
                self._server.disconnect_client(client_id)

    def disconnect_all_clients(self) -> None:
        if self._server is not None:
            self._server.disconnect_all()

    # -- client ----------------------------------------------------------------

    @property
    def client_state(self) -> ClientState:
        return self._client.state

    def connect(self, host: str, port: int) -> None:
        """Connected or ClientError follows. Ignored unless the client is idle."""
        with contextlib.suppress(LocalProtocolError):  # a second click while connecting: the first goes on
            self._client.connect(host, port, self.connect_timeout)

    def send(self, text: str, ending: LineEnding) -> None:
        self._client.send(text, ending)

    def disconnect(self, ending: LineEnding) -> None:
        """Send DESCONEXION; the server closes and Disconnected(REQUESTED) follows."""
        self._client.disconnect(ending)

    # -- window closing --------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the server and close the client, waiting (bounded) for every worker thread.

        Each step runs even if an earlier one failed: the window must close whatever happens.
        """
        server, self._server = self._server, None
        steps: list[Callable[[], object]] = [partial(server.stop, STOP_TIMEOUT_SECONDS)] if server else []
        steps.append(partial(self._client.close, STOP_TIMEOUT_SECONDS))
        steps += [partial(stopper.join, STOP_TIMEOUT_SECONDS) for stopper in self._stoppers]
        for step in steps:
            try:
                step()
            except Exception:  # reported, then on with the next step
                traceback.print_exc(file=sys.stderr)
        self._stoppers.clear()
