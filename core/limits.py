"""How many files this process may open, and how many clients that lets a server take.

Every connection costs one descriptor. The usual soft limit (1,024, or 256 on macOS)
is far below the hard one: `raise_open_file_limit` lifts it where the OS allows, and
`default_max_connections` keeps a reserve for everything else the process opens (the
listening socket, the event loop's own, a window's files), so a client past the limit
is refused at once instead of waiting in the backlog for a descriptor.
"""

from __future__ import annotations

import sys

# Descriptors kept for the rest of the process: its listening sockets, the event loop, logs, a window.
DESCRIPTOR_RESERVE = 64
# Where the system sets no limit we can read (Windows), the server's own default.
FALLBACK_MAX_CONNECTIONS = 10_000
# The most macOS lets a process ask for (<sys/syslimits.h> OPEN_MAX), whatever its hard limit says.
OPEN_MAX = 10_240
# POSIX systems limit how many files a process may open (`ulimit -n`); Windows sets no such limit on sockets.
OPEN_FILE_LIMITS = sys.platform != "win32"


def raise_open_file_limit() -> None:
    """Lift the soft limit on open files to the hard limit, where the OS allows it (a no-op on Windows).

    Where the OS refuses the hard limit (macOS refuses more than OPEN_MAX, 10,240, even when the hard limit is
    unlimited), it tries OPEN_MAX; where that is refused too, the soft limit stays as it was.
    """
    if sys.platform == "win32":
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    capped = OPEN_MAX if hard == resource.RLIM_INFINITY else min(hard, OPEN_MAX)
    for target in dict.fromkeys((hard, capped)):  # in order, once each
        if target != resource.RLIM_INFINITY and target <= soft:
            return
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            continue
        return


def open_file_limit() -> int | None:
    """The soft limit on open files, or None where there is none to read (Windows, or unlimited)."""
    if sys.platform == "win32":
        return None
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def limit_open_files(limit: int) -> None:
    """Set this process's open-file limit, soft and hard, to `limit` (as `ulimit -n` does), so that it cannot
    raise it again. POSIX only: NotImplementedError on Windows (see OPEN_FILE_LIMITS); ValueError or OSError
    if the system refuses the value."""
    if sys.platform == "win32":
        raise NotImplementedError("Windows has no open-file limit to set")
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


def default_max_connections() -> int:
    """As many clients as the descriptors allow, less the reserve (FALLBACK_MAX_CONNECTIONS where unknown).

    Under a tiny limit the reserve shrinks to a quarter of it, so that some clients still fit.
    """
    limit = open_file_limit()
    if limit is None:
        return FALLBACK_MAX_CONNECTIONS
    return max(1, limit - min(DESCRIPTOR_RESERVE, limit // 4))
