"""A live chart draws whole off the Tk thread (gui/charts.py): the Tk thread stays free, and nothing is lost."""

from __future__ import annotations

from gui.app import App
from gui.charts import LiveChart
from tests.support.waiting import pump_until
from tests.support.window import show_view


def _points(count: int) -> tuple[list[float], dict[str, list[float]]]:
    x = [float(n) for n in range(count)]
    return x, {"rate": [1000.0] * count, "p50": [1.0] * count, "p99": [2.0] * count}


def _shown_chart(app: App) -> LiveChart:
    show_view(app, "load")
    chart = app.load_view.chart
    pump_until(app, lambda: bool(chart.winfo_viewable()), message="the chart on screen")
    return chart


def test_a_whole_draw_goes_on_behind_the_tk_thread_and_then_shows(app: App) -> None:
    chart = _shown_chart(app)
    chart.show(*_points(2))  # the first data: a whole draw
    assert chart.drawing  # made on a helper thread: show() returned before it was done
    pump_until(app, lambda: not chart.drawing, message="the whole draw on screen")
    assert chart.full_draws >= 1
    blits = chart.blits
    chart.show(*_points(3))  # same limits: only the lines, at once, on the Tk thread
    assert not chart.drawing and chart.blits == blits + 1


def test_data_that_comes_during_a_whole_draw_is_drawn_once_it_is_done(app: App) -> None:
    chart = _shown_chart(app)
    chart.show(*_points(2), whole=True)
    pump_until(app, lambda: not chart.drawing, message="the first draw done")
    chart.show(*_points(3), whole=True)
    assert chart.drawing
    blits = chart.blits
    chart.show(*_points(4))  # waits for the draw going on: not drawn over it
    assert chart.blits == blits
    pump_until(app, lambda: not chart.drawing and chart.blits == blits + 1, message="the newest data drawn")
    assert chart.last_point is not None and chart.last_point[0] == 3.0


def test_a_theme_change_during_a_whole_draw_waits_for_it(app: App) -> None:
    chart = _shown_chart(app)
    chart.show(*_points(2), whole=True)
    assert chart.drawing
    app.set_theme("dark")  # changes the figure: only once the draw going on is done
    pump_until(app, lambda: not chart.drawing, message="the dark draw done")
    assert chart.background == "#2b2b2b"
