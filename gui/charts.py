"""Live charts in the window: matplotlib drawn in Tk, blitted, imported only when a chart is first shown.

Importing matplotlib and drawing a first figure takes about half a second, so the window
opens without it: a `LiveChart` is a placeholder line until it is on screen with data (or
a run starts, `start()`), and only then imports matplotlib and builds its figure. From
then on each update only restores the saved background, draws the lines on it and blits
that (about 2 ms); the whole figure (about 30 ms) is drawn again only when an axis limit
changes (limits move in round steps, gui/parts/chart_scale.py, and at most once every
WHOLE_DRAW_SECONDS), on a resize, a theme or a language change. Updates that come while
the chart is off screen are kept and drawn when it is shown again (`refresh()`). Colours
come from gui/theme.py, both themes; tick labels follow the language's decimal mark.

A whole draw asked for by new data, a new run, a theme or a language is made off the Tk
thread (matplotlib's Agg renderer needs no Tk), on a helper thread `mayus-chart`: under a
load test against the window's own server it takes a few hundred milliseconds of a shared
GIL, and the Tk thread goes on handling input and timers meanwhile. The Tk thread puts the
finished image on screen (a blit into Tk's photo). Until then nothing on the Tk thread
touches the figure: updates wait (the newest is drawn once the draw is done), and whatever
must change the figure (a resize, a theme, a language, a PNG) first waits for the draw.
"""

from __future__ import annotations

import gc
import math
import threading
import time
import tkinter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gui import theme
from gui.panels.widgets import fit_wrap
from gui.parts.chart_scale import compact_number, next_limit, nice_ceiling
from gui.toolkit import ctk
from words import Translator

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

DPI = 100
LINE_WIDTH = 1.5
GRID_ALPHA = 0.35
# Room around the plots, in pixels (kept whatever the size): tick labels left (and right for a
# second y axis), each panel's legend above it, the x tick labels (and the x label) below.
LEFT_PX, RIGHT_PX, RIGHT_TWIN_PX = 44, 14, 40
LEGEND_PX = 18
BOTTOM_PX, BOTTOM_LABEL_PX = 20, 34
# Until a chart has drawn once it reserves this much, so showing it later moves nothing.
PLACEHOLDER_HEIGHT = 60
WHOLE_DRAW_SECONDS = 1.0  # at most one whole draw for new limits in this time (resizes and themes: at once)
DRAW_THREAD = "mayus-chart"  # the helper thread of a whole draw made off the Tk thread
DRAW_CHECK_MS = 10  # how often the Tk thread looks whether that draw is done ...
# ... and how long it lets it go on before it waits for it: the helper thread shares the GIL with the server's and
# the Tk thread's work, and may get little of it for a while (the chart would stand still meanwhile).
DRAW_PATIENCE_SECONDS = 0.3


@dataclass(frozen=True)
class Line:
    key: str  # the data column it draws
    label: str  # words key, shown in the legend
    colour: theme.Colour


@dataclass(frozen=True)
class Axis:
    """One y axis and its lines: a panel of its own, or (`twin`) the right-hand axis of the panel before it."""

    lines: tuple[Line, ...]
    floor: float = 1.0  # the smallest upper limit (an empty chart still has a scale)
    twin: bool = False
    whole: bool = False  # ticks at whole numbers only (a count of clients)


@dataclass(frozen=True)
class ChartSpec:
    axes: tuple[Axis, ...]
    placeholder: str  # words key: what the chart will show, said until it does
    x_label: str | None = None  # words key
    x_window: float | None = None  # x runs from -x_window to 0 ("seconds ago"); None: from 0, growing
    x_floor: float = 10.0  # the smallest x range of a growing chart
    font_size: float = 8.0
    y_ticks: int = 4
    x_ticks: int = 6


def _colour(widget: Any, colour: theme.Colour, theme_name: str) -> str:
    """A Tk colour (a name such as gray86, or #rrggbb) as matplotlib's #rrggbb."""
    red, green, blue = widget.winfo_rgb(theme.pick(colour, theme_name))
    return f"#{red >> 8:02x}{green >> 8:02x}{blue >> 8:02x}"


class LiveChart(ctk.CTkFrame):  # type: ignore[misc]
    """A chart of a few lines over time. `show(x, columns)` gives it the data; see the module docstring."""

    def __init__(self, master: Any, tr: Translator, font: Any, spec: ChartSpec, theme_name: str) -> None:
        super().__init__(master, fg_color="transparent")
        self._tr, self.spec, self._theme = tr, spec, theme_name
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)
        self.placeholder = ctk.CTkLabel(self, text="", font=font, text_color=theme.MUTED, height=PLACEHOLDER_HEIGHT)
        self.placeholder.grid(row=0, column=0, sticky="nsew")
        self.bind("<Configure>", lambda event: fit_wrap(self.placeholder, int(event.width) - 16), add="+")
        self._x: list[float] = []
        self._columns: dict[str, list[float]] = {}
        self._x_limit: float | None = None
        self._y_limits: list[float | None] = [None] * len(spec.axes)
        self._mpl_figure: Figure | None = None
        self._mpl_canvas: Any = None  # matplotlib's FigureCanvasTkAgg, once built
        self._axes: list[Axes] = []  # one per spec axis
        self._panel_of: list[Axes] = []  # for each axis, the panel it is drawn on (itself, or the one it twins)
        self._lines: list[tuple[Axes, Line2D, Line]] = []
        self._background: Any = None
        self._background_size: tuple[float, float] | None = None
        self._drawn_at = -math.inf  # time.monotonic() of the last whole draw
        self.full_draws = 0  # whole-figure draws (limits, size, theme, language changed)
        self.blits = 0  # updates that only redrew the lines
        self._behind: threading.Thread | None = None  # a whole draw going on off the Tk thread
        self._behind_failed: BaseException | None = None  # ... and what it raised
        self._behind_check: str | None = None  # the Tk timer that looks whether it is done
        self._behind_began = 0.0  # time.monotonic() when it began
        self._pending = False  # data came while it went on: drawn once it is done
        self.retranslate()

    # -- what the owner does ------------------------------------------------------

    @property
    def drawing(self) -> bool:
        """True while a whole draw goes on off the Tk thread (its image not on screen yet)."""
        return self._behind is not None

    def finish_drawing(self, show: bool = True) -> None:
        """Wait for a whole draw going on off the Tk thread and put its image on screen (nothing if none goes on;
        not `show`: the caller draws on it at once). Raises what the draw raised.
        """
        thread = self._behind
        if thread is None:
            return
        thread.join()
        self._behind = None
        if self._behind_check is not None:
            self.after_cancel(self._behind_check)
            self._behind_check = None
        failed, self._behind_failed = self._behind_failed, None
        if failed is not None:
            raise failed
        if show:
            self._mpl_canvas.blit()  # the finished image into Tk's photo: on the Tk thread

    def destroy(self) -> None:
        """A whole draw going on ends first: no helper thread outlives the chart."""
        if self._behind is not None:
            self._behind.join()
            self._behind = None
        if self._behind_check is not None:
            self.after_cancel(self._behind_check)
            self._behind_check = None
        super().destroy()

    @property
    def created(self) -> bool:
        """True once matplotlib was imported and the figure built (the chart was shown with data)."""
        return self._mpl_figure is not None

    @property
    def points(self) -> int:
        return len(self._x)

    @property
    def last_point(self) -> tuple[float, dict[str, float]] | None:
        """The newest point given: its x and each column's value."""
        if not self._x:
            return None
        return self._x[-1], {key: values[-1] for key, values in self._columns.items() if values}

    def shown_words(self) -> list[str]:
        """The words drawn on the chart (legends, the x axis's label); empty until it is built."""
        if self._mpl_figure is None:
            return []
        legends = [panel.get_legend() for panel in self._panels()]
        words = [text.get_text() for legend in legends if legend is not None for text in legend.get_texts()]
        label = self._panels()[-1].get_xlabel()
        return [*words, label] if label else words

    @property
    def background(self) -> str | None:
        """The chart's background colour as drawn (#rrggbb), or None until it is built."""
        if self._mpl_figure is None:
            return None
        from matplotlib.colors import to_hex

        return str(to_hex(self._mpl_figure.get_facecolor()))

    def start(self, x_hint: float | None = None) -> None:
        """A new run: forget the data and the limits, and show the empty axes now if on screen.

        `x_hint` is how far x is expected to go. Building the figure here, before the run
        starts sending, keeps the cost of the first chart (matplotlib's import) out of the run.
        """
        self._x, self._columns = [], {}
        self._x_limit = nice_ceiling(x_hint, self.spec.x_floor) if x_hint is not None else None
        self._y_limits = [None] * len(self.spec.axes)
        if self.winfo_viewable():
            if self._mpl_figure is None:
                self._build_figure()
            self._render(force=True)

    def show(self, x: Sequence[float], columns: Mapping[str, Sequence[float]], whole: bool = False) -> None:
        """New data (the whole of it: x and one sequence per line key, of the same length); drawn if on screen
        (`whole`: the whole figure, its limits fitted to the data now)."""
        self._x = list(x)
        self._columns = {key: list(values) for key, values in columns.items()}
        self.update_chart(whole)

    def update_chart(self, whole: bool = False) -> None:
        """Draw the data now if the chart is on screen (building the figure the first time it has data)."""
        if not self._x or not self.winfo_viewable():
            return
        if self._mpl_figure is None:
            self._build_figure()
        self._render(force=whole)

    def refresh(self) -> None:
        """Shown again (a view switched back): draw whole what came while it was hidden."""
        if self._x and self.winfo_viewable():
            if self._mpl_figure is None:
                self._build_figure()
            self._render(force=True)

    def apply_theme(self, theme_name: str) -> None:
        self._theme = theme_name
        if self._mpl_figure is not None:
            self.finish_drawing()
            self._paint()
            self._render(force=True)

    def retranslate(self) -> None:
        self.placeholder.configure(text=self._tr(self.spec.placeholder))
        if self._mpl_figure is not None:
            self.finish_drawing()
            self._write_words()
            self._render(force=True)

    def save_png(self, path: Path) -> None:
        """Write the chart as it looks now (same size, same colours) as a PNG. Raises OSError if it cannot."""
        if self._mpl_figure is None:
            self._build_figure()
        assert self._mpl_figure is not None
        self.finish_drawing()
        self._apply_data()
        self._apply_limits()
        self._mpl_figure.savefig(path, format="png", dpi=DPI, facecolor=self._mpl_figure.get_facecolor())
        self._render(force=True)

    # -- inside --------------------------------------------------------------------

    def _build_figure(self) -> None:
        """Import matplotlib (the first chart pays for it) and build the figure, its panels and lines."""
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        figure = Figure(figsize=(2, 1), dpi=DPI)  # small: the layout gives the canvas its real size
        count = sum(1 for axis in self.spec.axes if not axis.twin)
        for axis in self.spec.axes:
            if axis.twin:
                ax = self._panel_of[-1].twinx()
                panel = self._panel_of[-1]
            else:
                shared = self._panel_of[0] if self._panel_of else None
                ax = panel = figure.add_subplot(count, 1, len(self._panels()) + 1, sharex=shared)
            self._panel_of.append(panel)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=self.spec.y_ticks, integer=axis.whole, min_n_ticks=2))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: self._number(value)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: self._seconds(value)))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=self.spec.x_ticks, steps=self._x_steps))
            ax.tick_params(labelsize=self.spec.font_size, length=3, pad=2)
            self._axes.append(ax)
            for line in axis.lines:
                (drawn,) = ax.plot([], [], linewidth=LINE_WIDTH, animated=True)
                self._lines.append((ax, drawn, line))
        for ax in self._panels()[:-1]:
            ax.tick_params(labelbottom=False)  # the panels share x: only the lowest one labels it
        canvas = _make_canvas(figure, self)
        widget = canvas.get_tk_widget()
        widget.configure(highlightthickness=0, borderwidth=0, takefocus=False)
        widget.grid(row=0, column=0, sticky="nsew")
        self.placeholder.grid_remove()
        canvas.mpl_connect("draw_event", self._drawn)
        canvas.mpl_connect("resize_event", lambda _event: self._place_plots())
        self._mpl_figure, self._mpl_canvas = figure, canvas
        self._paint()
        self._write_words()
        self._place_plots()
        # matplotlib's modules and the figure (some 60,000 objects) live as long as the window: out of the
        # collector's full collections, which otherwise walk them all each time (30-90 ms of the Tk thread during a
        # self-load, 5-20 ms with them frozen). The window's `close()` hands them back.
        gc.freeze()

    @property
    def _x_steps(self) -> list[float]:
        """Tick steps for time: a minute in quarters (-45 s), a run in round seconds (2, 4, 6)."""
        return [1, 1.5, 3, 5, 10] if self.spec.x_window is not None else [1, 2, 2.5, 5, 10]

    def _panels(self) -> list[Axes]:
        """The panels, top to bottom (a second y axis shares its panel)."""
        return list(dict.fromkeys(self._panel_of))

    @property
    def _twinned(self) -> bool:
        return any(axis.twin for axis in self.spec.axes)

    def _number(self, value: float) -> str:
        return compact_number(value, self._decimal_mark)

    def _seconds(self, value: float) -> str:
        return f"{compact_number(value, self._decimal_mark)} s"

    @property
    def _decimal_mark(self) -> str:
        return self._tr.decimal(0.5, 1)[1]

    def _paint(self) -> None:
        """Colours for the current theme: the panel's background, inset plots, muted ticks and grid."""
        assert self._mpl_figure is not None

        def pick(colour: theme.Colour) -> str:
            return _colour(self, colour, self._theme)

        text, muted, inset = pick(theme.TEXT), pick(theme.MUTED), pick(theme.PANEL_INSET)
        self._mpl_figure.set_facecolor(pick(theme.PANEL))
        for ax, panel in zip(self._axes, self._panel_of, strict=True):
            if ax is panel:
                ax.set_facecolor(inset)
                ax.grid(True, color=muted, alpha=GRID_ALPHA, linewidth=0.6)
            ax.tick_params(colors=muted, labelcolor=text)
            for spine in ax.spines.values():
                spine.set_color(muted)
        for ax, drawn, line in self._lines:
            drawn.set_color(pick(line.colour))
            if self._twinned:  # two y axes on one panel: each axis's numbers in its line's colour
                ax.tick_params(axis="y", labelcolor=pick(line.colour))
        self._legends()

    def _write_words(self) -> None:
        """Words on the chart, in the current language: the legends and the x axis's label."""
        for _ax, drawn, line in self._lines:
            drawn.set_label(self._tr(line.label))
        if self.spec.x_label is not None:
            lowest = self._panels()[-1]
            lowest.set_xlabel(self._tr(self.spec.x_label), fontsize=self.spec.font_size, labelpad=1)
        self._legends()

    def _legends(self) -> None:
        """One legend above each panel, outside the plot (the lines, drawn last, would cover it inside)."""
        assert self._mpl_figure is not None
        text = _colour(self, theme.TEXT, self._theme)
        for panel in self._panels():
            owned = [drawn for ax, drawn, _line in self._lines if self._panel_of[self._axes.index(ax)] is panel]
            legend = panel.legend(
                handles=owned,
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=len(owned),
                frameon=False,
                fontsize=self.spec.font_size,
                borderaxespad=0.1,
                borderpad=0.0,
                handlelength=1.6,
                columnspacing=1.2,
            )
            for label in legend.get_texts():
                label.set_color(text)
        if self.spec.x_label is not None:
            self._panels()[-1].xaxis.label.set_color(text)

    def _place_plots(self) -> None:
        """Margins in pixels, whatever the size: tick labels and legends always fit, the plots take the rest."""
        figure = self._mpl_figure
        if figure is None:
            return
        width, height = figure.bbox.width, figure.bbox.height
        if width < 40 or height < 40:
            return
        panels = len(self._panels())
        right = RIGHT_TWIN_PX if self._twinned else RIGHT_PX
        bottom = BOTTOM_LABEL_PX if self.spec.x_label is not None else BOTTOM_PX
        plots = max(10.0, height - bottom - LEGEND_PX * panels)
        each = plots / panels
        figure.subplots_adjust(
            left=min(0.45, LEFT_PX / width),
            right=max(0.55, 1 - right / width),
            bottom=min(0.45, bottom / height),
            top=max(0.55, 1 - LEGEND_PX / height),
            hspace=LEGEND_PX / each if panels > 1 else 0.0,
        )

    def _apply_data(self) -> None:
        for _ax, drawn, line in self._lines:
            values = self._columns.get(line.key, [])
            drawn.set_data(self._x[: len(values)], values)

    def _wanted_limits(self) -> tuple[float, list[float]]:
        spec = self.spec
        if spec.x_window is not None:
            x_limit = spec.x_window
        else:
            x_limit = next_limit(self._x_limit, max(self._x, default=0.0), spec.x_floor)
            if self._x_limit is not None and x_limit < self._x_limit:
                x_limit = self._x_limit  # time only grows: never shrink the x axis within a run
        y_limits = []
        for index, axis in enumerate(spec.axes):
            peak = max(
                (v for line in axis.lines for v in self._columns.get(line.key, []) if math.isfinite(v)), default=0.0
            )
            y_limits.append(next_limit(self._y_limits[index], peak, axis.floor))
        return x_limit, y_limits

    def _apply_limits(self, allowed: bool = True) -> bool:
        """Set the axes to the limits the data needs; True if any changed (the figure must be drawn whole).

        Not `allowed`: the limits stay as they are (a line may run off the top until the next whole draw).
        """
        x_limit, y_limits = self._wanted_limits()
        changed = x_limit != self._x_limit or y_limits != self._y_limits
        if not allowed:
            return False
        self._x_limit, self._y_limits = x_limit, list(y_limits)
        if self.spec.x_window is not None:
            self._axes[0].set_xlim(-x_limit, 0.0)
        else:
            self._axes[0].set_xlim(0.0, x_limit)
        for ax, limit in zip(self._axes, y_limits, strict=True):
            ax.set_ylim(0.0, limit)
        return changed

    def _render(self, force: bool) -> None:
        canvas, figure = self._mpl_canvas, self._mpl_figure
        if canvas is None or figure is None:
            return
        if self._behind is not None:
            if not force:  # the newest data is drawn once the whole draw going on is done
                self._pending = True
                return
            self.finish_drawing()
        self._apply_data()
        # A whole draw costs some 30 ms (several times that while a server thread competes for the GIL): the
        # limits follow the data at most once per WHOLE_DRAW_SECONDS; blits in between keep the old scale.
        allowed = force or time.monotonic() - self._drawn_at >= WHOLE_DRAW_SECONDS
        changed = self._apply_limits(allowed)
        size = (figure.bbox.width, figure.bbox.height)
        if force or changed or self._background is None or size != self._background_size:
            self._draw_behind()
            return
        canvas.restore_region(self._background)
        for ax, drawn, _line in self._lines:
            ax.draw_artist(drawn)
        canvas.blit(figure.bbox)
        self.blits += 1

    def _draw_behind(self) -> None:
        """Draw the whole figure on a helper thread; the Tk thread puts it on screen once done (`_check_behind`)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = self._mpl_canvas
        self._pending = False

        def draw() -> None:
            try:
                # Agg only, no Tk: `_drawn` (on this thread too) keeps the background and draws the lines on it.
                FigureCanvasAgg.draw(canvas)  # type: ignore[no-untyped-call]
            except BaseException as exc:  # raised on the Tk thread by finish_drawing()
                self._behind_failed = exc

        self._behind = threading.Thread(target=draw, name=DRAW_THREAD, daemon=True)
        self._behind_began = time.monotonic()
        self._behind.start()
        self._behind_check = self.after(DRAW_CHECK_MS, self._check_behind)

    def _check_behind(self) -> None:
        """On the Tk thread: once the whole draw is done, show it, then the data that came meanwhile."""
        self._behind_check = None
        thread = self._behind
        patient = time.monotonic() - self._behind_began < DRAW_PATIENCE_SECONDS
        if thread is not None and thread.is_alive() and patient:
            self._behind_check = self.after(DRAW_CHECK_MS, self._check_behind)
            return
        pending, self._pending = self._pending, False
        self.finish_drawing(show=not pending)
        if pending:  # drawn on the finished background and shown in one blit
            self._render(force=False)

    def _drawn(self, _event: Any) -> None:
        """After every whole draw: keep the background (axes, ticks, legends), then draw the lines on it."""
        canvas, figure = self._mpl_canvas, self._mpl_figure
        if canvas is None or figure is None or canvas.is_saving():
            return
        self._background = canvas.copy_from_bbox(figure.bbox)
        self._background_size = (figure.bbox.width, figure.bbox.height)
        self._drawn_at = time.monotonic()
        for ax, drawn, _line in self._lines:
            ax.draw_artist(drawn)
        self.full_draws += 1


def _make_canvas(figure: Figure, chart: LiveChart) -> Any:
    """matplotlib's Tk canvas for `chart`, that first waits for a whole draw going on off the Tk thread before it
    draws or resizes the figure itself. The Tk backend has no type hints: the canvas is held as Any."""
    # Imported by name (not through importlib) so that a frozen build sees it and ships it.
    from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg

    class ChartCanvas(FigureCanvasTkAgg):
        def draw(self) -> None:
            chart.finish_drawing()
            super().draw()  # type: ignore[no-untyped-call]

        def resize(self, event: Any) -> None:
            chart.finish_drawing()
            super().resize(event)  # type: ignore[no-untyped-call]

    # matplotlib gives its canvas the keyboard focus as it makes it, and again at each click on it. A chart has no
    # keys of its own: the focus stays where the user put it (giving it back afterwards lost a race under load, and
    # Enter in a port field then went to the chart). The class's focus_set is a no-op while the canvas is made,
    # and the canvas's own is one for good.
    setattr(tkinter.Canvas, "focus_set", _keep_focus)  # noqa: B010  (mypy forbids assigning to a method)
    try:
        canvas: Any = ChartCanvas(figure, master=chart)  # type: ignore[no-untyped-call]
    finally:
        delattr(tkinter.Canvas, "focus_set")  # inherited from tkinter.Misc again
    setattr(canvas.get_tk_widget(), "focus_set", _keep_focus)  # noqa: B010
    return canvas


def _keep_focus(*_args: object) -> None:
    """A focus_set that leaves the keyboard focus where it is."""
