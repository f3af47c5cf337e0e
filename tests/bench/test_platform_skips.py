"""Off Linux the benchmarks skip what needs Linux, each saying why in one line; here Linux is faked away."""

from __future__ import annotations

import shutil

import pytest

from bench import attack_bench, gui_bench, gui_display, pinning
from core import platforms


@pytest.fixture
def not_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "LINUX", False)


@pytest.mark.usefixtures("not_linux")
def test_the_window_benchmarks_need_linux_for_their_x_server() -> None:
    assert gui_display.missing_display() == "the window benchmarks need an X server (xdotool, Xvfb): Linux only"
    with pytest.raises(gui_display.NoDisplay), gui_display.screen():
        pytest.fail("a screen off Linux")


def test_without_display_or_xvfb_it_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(shutil, "which", lambda _: None)
    assert gui_display.missing_display() == "DISPLAY is not set and Xvfb is not installed (apt-get install xvfb)"
    monkeypatch.setenv("DISPLAY", ":99")
    assert gui_display.missing_display() is None


@pytest.mark.usefixtures("not_linux")
def test_the_gui_bench_skips_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert gui_bench.main(["--quick"]) == 0
    assert capsys.readouterr().out == (
        "bench-gui: skipped, the window benchmarks need an X server (xdotool, Xvfb): Linux only\n"
    )


@pytest.mark.usefixtures("not_linux")
def test_the_attack_bench_skips_the_window_and_the_open_file_limit_where_they_cannot_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attack_bench, "OPEN_FILE_LIMITS", False)
    report = attack_bench.Report()
    attack_bench.window(report, 1.0)
    attack_bench.descriptors(report)
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  skipped, the window benchmarks need an X server (xdotool, Xvfb): Linux only"
    assert out[3] == "  skipped, open-file limits (ulimit -n) are POSIX only"
    assert len(out) == 4 and report.failed == []


def test_pinning_is_said_to_be_off_where_the_system_cannot_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "allowed_cpus", lambda: None)
    pinned = pinning.pin_bench()
    assert not pinned.active
    assert pinned.note == "not pinned: this system has no sched_setaffinity (Linux only)"
    assert pinned.pin_server(1) == 0  # nothing to pin, nothing touched
