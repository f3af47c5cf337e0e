"""The window's hold on the core: one server and one client, and nothing that blocks the Tk thread.

`App` is given a `NetworkPort` (this `Network`, or a fake in tests) and attaches its
event queue's `put` to it. The server runs in a process of its own (core/server_process.py
says why), the client on a worker thread. Every call returns at once; what happens comes back as
core events. Stopping the server only asks (`request_stop`): ServerStopped follows
when the port is free. `shutdown()` (the window closing) is the one call that waits,
bounded, so that no thread is left and the port is free at once.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import partial
from typing import Protocol

from core.client import FOR_DISPLAY, ClientState, TcpClient
from core.defaults import DEFAULT_CONNECT_TIMEOUT, STOP_TIMEOUT_SECONDS, LineEnding
from core.errors import LocalProtocolError
from core.events import Event
from core.server import ServerConfig
from core.server_process import ServerProcess
from core.tls import ClientContext, TlsIdentity

EventSink = Callable[[Event], None]


class NetworkPort(Protocol):
    """What the window asks of the network; tests give `App` a fake with these methods."""

    def attach(self, on_event: EventSink) -> None: ...

    @property
    def server_address(self) -> tuple[str, int] | None: ...

    def start_server(self, host: str, port: int, tls: TlsIdentity | None = None) -> None: ...

    def stop_server(self) -> None: ...

    def disconnect_clients(self, client_ids: list[int]) -> None: ...

    def disconnect_all_clients(self) -> None: ...

    def push(self, client_ids: list[int] | None, data: bytes) -> None: ...

    @property
    def client_state(self) -> ClientState: ...

    def connect(self, host: str, port: int, tls: ClientContext | None = None) -> None: ...

    def send(self, data: bytes, ending: LineEnding) -> bool: ...

    def disconnect(self, ending: LineEnding) -> None: ...

    def shutdown(self) -> None: ...


class Network:
    """The real network: Mayus's server in its own process, its client on a worker thread (module docstring)."""

    def __init__(self, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        self.connect_timeout = connect_timeout  # seconds; applies from the next connect (tests shorten it)
        self._on_event: EventSink = lambda event: None
        self._server: ServerProcess | None = None
        self._stopping: list[ServerProcess] = []  # asked to stop; joined at shutdown
        self._client: TcpClient | None = None

    def attach(self, on_event: EventSink) -> None:
        """Send every event to `on_event` (called on other threads: it must only queue)."""
        self._on_event = on_event
        self._client = TcpClient(on_event, FOR_DISPLAY)

    # -- server ----------------------------------------------------------------

    @property
    def server_address(self) -> tuple[str, int] | None:
        return self._server.address if self._server is not None else None

    @property
    def server_pid(self) -> int | None:
        """The server's process id while it runs (what its memory is read from, by the benches)."""
        return self._server.pid if self._server is not None else None

    def start_server(self, host: str, port: int, tls: TlsIdentity | None = None) -> None:
        """ServerStarted, or ServerStopped(error), follows; with `tls` (a certificate and key) every client must
        speak TLS. Raises LocalProtocolError if one is running."""
        if self._server is not None and self._server.running:
            raise LocalProtocolError("server already running; stop it first")
        if self._server is not None:
            self._stopping.append(self._server)  # a failed start: its thread ends by itself
        self._server = ServerProcess(ServerConfig(host=host, port=port), self._emit, tls)
        self._server.start()

    def stop_server(self) -> None:
        """Ask the server to stop; ServerStopped follows once every client is gone and the port is free."""
        server, self._server = self._server, None
        if server is not None:
            self._stopping.append(server)
            server.request_stop()

    def disconnect_clients(self, client_ids: list[int]) -> None:
        if self._server is not None:
            for client_id in client_ids:
                self._server.disconnect_client(client_id)

    def disconnect_all_clients(self) -> None:
        if self._server is not None:
            self._server.disconnect_all()

    def push(self, client_ids: list[int] | None, data: bytes) -> None:
        """Send `data` unasked to these clients (all if None); MessagePushed follows for each."""
        if self._server is not None:
            self._server.push(client_ids, data)

    # -- client ----------------------------------------------------------------

    @property
    def client_state(self) -> ClientState:
        return self._client.state if self._client is not None else ClientState.IDLE

    def connect(self, host: str, port: int, tls: ClientContext | None = None) -> None:
        """Connected, or Disconnected(CONNECT_FAILED or TLS_FAILED), follows; over TLS with `tls` (a client
        context from core/tls.py). Ignored unless the client is idle."""
        if self._client is not None and self._client.state is ClientState.IDLE:
            self._client.connect(host, port, self.connect_timeout, tls)

    def send(self, data: bytes, ending: LineEnding) -> bool:
        """Send `data` plus `ending` exactly; False if there is no connection to send on."""
        if self._client is None:
            return False
        try:
            self._client.send(data, ending)
        except LocalProtocolError:
            return False
        return True

    def disconnect(self, ending: LineEnding) -> None:
        """Disconnect politely; Disconnected follows (REQUESTED once the server closed)."""
        if self._client is not None:
            self._client.disconnect(ending)

    # -- window closing --------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the servers and close the client, waiting (bounded) for every worker thread.

        Each step runs even if an earlier one failed: the window must close whatever happens.
        """
        servers = [*self._stopping, *([self._server] if self._server is not None else [])]
        self._server, self._stopping = None, []
        steps: list[Callable[[], object]] = [partial(server.stop, STOP_TIMEOUT_SECONDS) for server in servers]
        if self._client is not None:
            steps.append(partial(self._client.close, STOP_TIMEOUT_SECONDS))
        for step in steps:
            try:
                step()
            except Exception:  # reported, then on with the next step
                traceback.print_exc(file=sys.stderr)

    def _emit(self, event: Event) -> None:
        self._on_event(event)
