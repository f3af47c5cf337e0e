"""Mayus's server in a child process: what the window runs, so that the server never waits for Tk.

Why a process and not a thread: in one process, the window's Tk thread and a server thread
share one interpreter lock. Under a flood the server holds it almost all the time, so every
Tk call waits for it (the window stutters) and every moment Tk holds it, the server stands
still (it serves less). In its own process the server has its own lock and its own core.

`ServerProcess` has `UppercaseServer`'s face (start, request_stop, stop, address, running,
disconnect_client, disconnect_all, push) and reports the same events, unchanged, through one
callback, called on a reader thread of this process. `perf_counter`, which stamps every
event, is one clock for every process of the machine, so the window still puts the server's
events and its client's in time order.

The child is started with "spawn" (the same on every system; a frozen executable turns the
run into this child in `multiprocessing.freeze_support()`, see main.py). Two one-way pipes
join the two processes: events in batches up, commands down. The child ends by itself once
its server has stopped, ignores Ctrl+C (the window stops it), and stops its server when the
window's process is gone (the command pipe ends).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Protocol

from core.defaults import STOP_TIMEOUT_SECONDS
from core.errors import CertificateFileError, ErrorInfo, ErrorKind, LocalProtocolError, error_info
from core.events import Event, EventCallback, ServerStarted, ServerStopped, Stamp
from core.server import Listening, ServerConfig, UppercaseServer
from core.tls import TlsIdentity, server_context

BATCH_SECONDS = 0.005  # the child gathers the events of this long into one send: one pickle, one wake-up
CHILD_NAME = "mayus-server"


@dataclass(frozen=True, slots=True)
class _Disconnect:
    client_ids: list[int] | None  # None: every client


@dataclass(frozen=True, slots=True)
class _Push:
    client_ids: list[int] | None  # None: every client
    data: bytes


@dataclass(frozen=True, slots=True)
class _Stop:
    pass


_Command = _Disconnect | _Push | _Stop


class _Sends(Protocol):
    """The sending end of a one-way pipe (a Connection; a PipeConnection on Windows)."""

    def send(self, obj: Any) -> None: ...

    def close(self) -> None: ...


class _Receives(Protocol):
    """The receiving end of a one-way pipe."""

    def recv(self) -> Any: ...

    def close(self) -> None: ...


class ServerProcess(Listening):
    """Runs the uppercase server in a child process; every method returns at once and is safe from any thread.

    `start()` spawns the child: ServerStarted follows, or ServerStopped(error) after which nothing is
    left running. `request_stop()` asks; ServerStopped follows once every connection is closed and the
    port is free, and the child then ends. `stop()` does the same and waits, bounded, for the child.
    A child that dies (killed, out of memory) is reported as ServerStopped(SERVER_PROCESS_ENDED).

    `tls`: the certificate and key the child loads (a context cannot cross to another process);
    a file that cannot be used is reported as ServerStopped(error), as a port in use is.
    """

    def __init__(self, config: ServerConfig, on_event: EventCallback, tls: TlsIdentity | None = None) -> None:
        if config.tls is not None:
            raise LocalProtocolError("a server process takes its TLS identity, not a context")
        self.config = config
        self._tls = tls
        self._on_event = on_event
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._commands: _Sends | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id, from `start()` until it has ended."""
        process = self._process
        return process.pid if process is not None else None

    def start(self) -> None:
        """Spawn the child. Raises LocalProtocolError if already started.

        If the child cannot be made (no memory, no descriptors), ServerStopped(error) is reported instead.
        """
        with self._lock:
            if self._process is not None:
                raise LocalProtocolError("server already started; stop it first")
            context = multiprocessing.get_context("spawn")
            events_in, events_out = context.Pipe(duplex=False)
            commands_in, commands_out = context.Pipe(duplex=False)
            process = context.Process(
                target=serve_in_child,
                args=(self.config, self._tls, events_out, commands_in),
                name=CHILD_NAME,
                daemon=True,  # never outlives the window, even one that ends without stopping it
            )
            try:
                process.start()
            except OSError as exc:
                events_in.close()
                commands_out.close()
                self._on_event(ServerStopped(error_info(exc, self.config.host, self.config.port), Stamp.now()))
                return
            finally:  # this process keeps only its own ends: the pipes end when the child does
                events_out.close()
                commands_in.close()
            self._process, self._commands = process, commands_out
            self._reader = threading.Thread(
                target=self._read, args=(events_in, process), name=f"{CHILD_NAME}-events", daemon=True
            )
            self._reader.start()

    def disconnect_client(self, client_id: int) -> None:
        self._send(_Disconnect([client_id]))

    def disconnect_all(self) -> None:
        self._send(_Disconnect(None))

    def push(self, client_ids: list[int] | None, data: bytes) -> None:
        """Send `data` unasked to these clients (all of them if None): MessagePushed follows for each."""
        self._send(_Push(client_ids, data))

    def request_stop(self) -> None:
        """Begin closing every connection and the listening socket; returns at once. Safe to call twice."""
        self._send(_Stop())

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop as `request_stop` does and wait (up to `timeout` s) for the child; past that, end it."""
        self.request_stop()
        deadline = time.monotonic() + timeout
        process, reader = self._process, self._reader
        if process is not None:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        if reader is not None and reader is not threading.current_thread():
            reader.join(max(0.0, deadline - time.monotonic()))
        self._address = None

    def _send(self, command: _Command) -> None:
        with self._lock:
            if self._commands is None:
                return
            with contextlib.suppress(OSError):  # the child is gone: its ServerStopped says so
                self._commands.send(command)

    def _read(self, events: _Receives, process: multiprocessing.process.BaseProcess) -> None:
        """Hand every event up as it comes; once the child is gone, make sure a ServerStopped was said."""
        stopped = False
        try:
            while True:
                try:
                    batch: list[Event] = events.recv()
                except (EOFError, OSError):
                    break
                for event in batch:
                    if isinstance(event, ServerStarted):
                        self._address = (event.addresses[0], event.port)
                    elif isinstance(event, ServerStopped):
                        self._address = None
                        stopped = True
                    self._on_event(event)
        finally:
            events.close()
            process.join(STOP_TIMEOUT_SECONDS)
            with self._lock:
                if self._commands is not None:
                    self._commands.close()
                self._commands = None
                self._process = None
            self._address = None
            if not stopped:
                info = ErrorInfo(ErrorKind.SERVER_PROCESS_ENDED, self.config.host, self.config.port)
                self._on_event(ServerStopped(info, Stamp.now()))


# --- the child --------------------------------------------------------------------------------


class _Outbox:
    """Sends events up in batches from its own thread, so that the server's loop never waits for the pipe."""

    def __init__(self, events: _Sends) -> None:
        self._events = events
        self._lock = threading.Lock()
        self._batch: list[Event] = []
        self._wake = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="mayus-server-outbox", daemon=True)
        self._thread.start()

    def put(self, event: Event) -> None:
        with self._lock:
            self._batch.append(event)
        self._wake.set()

    def close(self) -> None:
        """Send what is left, then close the pipe (the window's reader then sees its end)."""
        with self._lock:
            self._closing = True
        self._wake.set()
        self._thread.join()
        self._events.close()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(BATCH_SECONDS)
            with self._lock:
                batch, self._batch = self._batch, []
                self._wake.clear()
                closing = self._closing
            if batch:
                try:
                    self._events.send(batch)
                except OSError:  # the window is gone: nobody to tell
                    return
            if closing:
                return


def serve_in_child(config: ServerConfig, tls: TlsIdentity | None, events: _Sends, commands: _Receives) -> None:
    """The child's whole life: run the server until it stops (asked, failed, or the window gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C where the window was started: the window stops us
    outbox = _Outbox(events)
    stopped = threading.Event()

    def on_event(event: Event) -> None:
        outbox.put(event)
        if isinstance(event, ServerStopped):
            stopped.set()

    try:
        try:
            context = server_context(tls) if tls is not None else None
        except CertificateFileError as exc:
            on_event(ServerStopped(error_info(exc, config.host, config.port), Stamp.now()))
            return
        server = UppercaseServer(replace(config, tls=context), on_event)
        server.start()
        obeying = threading.Thread(target=_obey, args=(commands, server), name="mayus-server-commands", daemon=True)
        obeying.start()
        stopped.wait()
        server.stop()  # joins the server's thread: its last events are in the outbox
    finally:
        outbox.close()  # the command pipe stays open: `_obey` may be reading it, and the exit closes it


def _obey(commands: _Receives, server: UppercaseServer) -> None:
    """Do what the window asks; when the window's end of the pipe closes, stop the server."""
    while True:
        try:
            command: _Command = commands.recv()
        except (EOFError, OSError):
            server.request_stop()
            return
        match command:
            case _Stop():
                server.request_stop()
            case _Disconnect(client_ids=None):
                server.disconnect_all()
            case _Disconnect(client_ids=[*client_ids]):
                for client_id in client_ids:
                    server.disconnect_client(client_id)
            case _Push(client_ids=client_ids, data=data):
                server.push(client_ids, data)
