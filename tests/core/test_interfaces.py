"""This machine's addresses, read from its interfaces (no traffic), loopback left out."""

from __future__ import annotations

import socket

import pytest

from core import interfaces
from core.interfaces import LocalAddress, local_addresses


class _Entry:
    def __init__(self, family: int, address: str) -> None:
        self.family, self.address = family, address


def test_loopback_is_left_out_and_ipv4_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {
        "lo": [_Entry(socket.AF_INET, "127.0.0.1"), _Entry(socket.AF_INET6, "::1")],
        "eth0": [
            _Entry(socket.AF_INET6, "2001:db8::20"),
            _Entry(socket.AF_INET, "192.0.2.20"),
            _Entry(socket.AF_INET6, "fe80::1%eth0"),
            _Entry(17, "00:11:22:33:44:55"),  # AF_PACKET: a hardware address, not one to connect to
        ],
    }
    monkeypatch.setattr("psutil.net_if_addrs", lambda: fake)
    found = local_addresses()
    assert [a.address for a in found] == ["192.0.2.20", "2001:db8::20", "fe80::1%eth0"]
    assert found[1].with_port(5000) == "[2001:db8::20]:5000"
    assert found[0].with_port(5000) == "192.0.2.20:5000"


def test_this_machines_own_interfaces_are_read() -> None:
    found = local_addresses()
    assert all(isinstance(a, LocalAddress) and a.interface for a in found)
    assert not any(a.address in ("127.0.0.1", "::1") for a in found)


def test_when_interfaces_cannot_be_read_nothing_is_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, list[_Entry]]:
        raise OSError("no access")

    monkeypatch.setattr("psutil.net_if_addrs", broken)
    assert interfaces.local_addresses() == []
