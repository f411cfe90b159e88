"""Whether a URL's host is this machine: before code is sent to it, the user is told when not.

The URL's host name is never resolved (a lookup could itself ask the network): an address
literal is compared with loopback and with this machine's own addresses, and a name is local
only when it is `localhost` or this machine's own name.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import cache


def is_local_host(host: str, own: frozenset[str] | None = None) -> bool:
    """Whether a URL's host is this machine.

    Args:
        host: The host part of a URL (a name, an IPv4 or an IPv6 address).
        own: This machine's names and addresses (None: looked up once).

    Returns:
        True for localhost, loopback addresses (127.0.0.0/8, ::1), 0.0.0.0 and `own`.
    """
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    own = _own_addresses() if own is None else own
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host in own
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return address.is_loopback or address.is_unspecified or str(address) in own


@cache
def _own_addresses() -> frozenset[str]:
    name = socket.gethostname()
    names = {name.lower()}
    try:  # this machine's own name, as /etc/hosts (or the local resolver) maps it
        names.update(socket.gethostbyname_ex(name)[2])
    except OSError:
        pass  # an unresolvable own name: only loopback counts as local
    return frozenset(names)
