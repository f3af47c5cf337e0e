"""The clients table writes new counters only into the rows on screen; scrolled-to rows are never stale.

The events go through the window's own queue, as the server's would, without sockets.
"""

from __future__ import annotations

import time

from core.events import ClientConnected, ClientStats, ServerStats, Stamp
from gui.app import App
from gui.panels.clients_table import COLUMNS
from tests.support.waiting import pump_until
from tests.support.window import log_shows, show_view

ROWS = 300  # far more than the table shows at once


def _stats(messages: int) -> ServerStats:
    now = time.time()
    changed = tuple(ClientStats(i, messages, messages, 5 * messages, 5 * messages, now) for i in range(1, ROWS + 1))
    total = messages * ROWS
    return ServerStats(ROWS, total, total, 5 * total, 5 * total, 0, 0, changed, Stamp.now())


def _on_screen(app: App, client_id: int) -> dict[str, str]:
    """The row as the tree holds it now (not through shown_values, which refreshes a stale row first)."""
    values = app.clients.tree.item(str(client_id), "values")
    return dict(zip(COLUMNS, (str(v) for v in values), strict=True))


def test_rows_scrolled_into_view_show_the_latest_counters(app: App) -> None:
    now = time.time()
    for client_id in range(1, ROWS + 1):
        app.pump.put(ClientConnected(client_id, "127.0.0.1", 40_000 + client_id, Stamp(0.0, now)))
    pump_until(app, lambda: len(app.clients.tree.get_children()) == ROWS, message="every client listed")
    app.pump.put(_stats(7))
    pump_until(app, lambda: _on_screen(app, 1)["messages"] == "7", message="top row updated")
    assert _on_screen(app, 1)["bytes"] == "35 / 35"

    app.clients.tree.yview_moveto(1.0)  # the user scrolls to the end
    pump_until(app, lambda: _on_screen(app, ROWS)["messages"] == "7", message="bottom row current")
    assert _on_screen(app, ROWS)["address"] == f"127.0.0.1:{40_000 + ROWS}"

    app.pump.put(_stats(8))  # rows now off screen at the top catch up when scrolled back
    pump_until(app, lambda: _on_screen(app, ROWS)["messages"] == "8", message="bottom row updated")
    app.clients.tree.yview_moveto(0.0)
    pump_until(app, lambda: _on_screen(app, 1)["messages"] == "8", message="top row current")
    assert app.clients.shown_values(ROWS // 2)["messages"] == "8"  # read off screen: brought up to date


def test_hidden_the_table_waits_and_catches_up_once_shown(app: App) -> None:
    show_view(app, "load")  # under a load test from the window, the table is out of sight
    now = time.time()
    for client_id in range(1, ROWS + 1):
        app.pump.put(ClientConnected(client_id, "127.0.0.1", 40_000 + client_id, Stamp(0.0, now)))
    app.pump.put(_stats(7))
    pump_until(app, lambda: app.pump.pending() == 0 and len(app.clients.client_ids) == ROWS, message="events handled")
    assert app.clients.tree.get_children() == ()  # no row written while nobody sees them
    for client_id in range(ROWS + 1, 3 * ROWS):  # many that come and go meanwhile
        app.clients.add_client(ClientConnected(client_id, "127.0.0.1", 40_000, Stamp(0.0, now)))
        app.clients.remove_client(client_id)
        app.clients.flush()
    show_view(app, "conversation")
    assert len(app.clients.tree.get_children()) == ROWS
    assert _on_screen(app, 1)["messages"] == "7" and _on_screen(app, 1)["bytes"] == "35 / 35"


def test_the_rows_stay_in_id_order_as_clients_come_and_go(app: App) -> None:
    now = time.time()
    for client_id in (1, 2, 3):
        app.pump.put(ClientConnected(client_id, "127.0.0.1", 40_000 + client_id, Stamp(0.0, now)))
    pump_until(app, lambda: app.clients.client_ids == [1, 2, 3])
    app.clients.remove_client(2)
    app.clients.add_client(ClientConnected(4, "127.0.0.1", 40_004, Stamp(0.0, now)))
    app.clients.flush()
    assert app.clients.tree.get_children() == ("1", "3", "4")


def test_an_ipv6_client_is_written_with_brackets_in_the_table_and_the_log(app: App) -> None:
    app.pump.put(ClientConnected(1, "::1", 40_001, Stamp.now()))
    pump_until(app, lambda: len(app.clients.tree.get_children()) == 1, message="the client listed")
    assert _on_screen(app, 1)["address"] == "[::1]:40001"
    log_shows(app, "connected from [::1]:40001")
