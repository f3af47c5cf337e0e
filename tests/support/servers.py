"""Mayus's own server in this process, on a free port, with every event recorded."""

from __future__ import annotations

from dataclasses import dataclass

from core.recorder import EventRecorder
from core.server import ServerConfig, UppercaseServer


@dataclass
class RunningServer:
    server: UppercaseServer
    events: EventRecorder
    host: str
    port: int

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)


def start_in_process(config: ServerConfig) -> RunningServer:
    events = EventRecorder()
    server = UppercaseServer(config, events)
    server.start()
    host, port = server.wait_started()
    return RunningServer(server, events, host, port)
