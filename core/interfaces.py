"""This machine's own addresses, the ones other machines can use to reach a server listening on all interfaces.

Read from the local interfaces (psutil.net_if_addrs): nothing is sent on the network,
no name is looked up. Loopback addresses are left out (they only reach this machine).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class LocalAddress:
    family: int  # socket.AF_INET or socket.AF_INET6 (IPv4 first when sorted)
    address: str
    interface: str

    @property
    def is_ipv6(self) -> bool:
        return self.family == socket.AF_INET6

    def with_port(self, port: int) -> str:
        """How a client types it: 192.168.1.20:5000, or [2001:db8::20]:5000."""
        return f"[{self.address}]:{port}" if self.is_ipv6 else f"{self.address}:{port}"


def local_addresses() -> list[LocalAddress]:
    """Every non-loopback IPv4 and IPv6 address of this machine's interfaces, IPv4 first; [] if none can be read."""
    try:
        import psutil

        interfaces = psutil.net_if_addrs()
    except (ImportError, OSError):  # no way to read the interfaces here: say nothing rather than guess
        return []
    found = set()
    for name, addresses in interfaces.items():
        for entry in addresses:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            text = str(entry.address).split("%")[0]  # link-local IPv6 carries its zone: fe80::1%eth0
            try:
                ip = ipaddress.ip_address(text)
            except ValueError:
                continue
            if ip.is_loopback or ip.is_unspecified:
                continue
            shown = f"{text}%{name}" if ip.version == 6 and ip.is_link_local else text
            found.add(LocalAddress(int(entry.family), shown, name))
    return sorted(found)
