"""The `load` face, run as a person would run it: `python main.py load ...`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import psutil
import pytest

from cli.load import INTERRUPTED_EXIT
from core import platforms
from core.load import ERROR_KINDS
from tests.support.launcher import REPO_ROOT as REPO
from tests.support.peers import lowercase, misbehaving_server
from tests.support.processes import run_python
from tests.support.servers import RunningServer
from tests.support.waiting import WAIT

LOAD_TIMEOUT = WAIT * 4
SUMMARY_KEYS = {"messages", "messages_per_second", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "errors_by_kind"}


def run_load_face(*args: str) -> subprocess.CompletedProcess[str]:
    return run_python("main.py", "load", *args, timeout=LOAD_TIMEOUT)


def test_load_prints_progress_then_the_summary_and_exits_0(server: RunningServer) -> None:
    done = run_load_face("--port", str(server.port), "--clients", "3", "--duration", "1.2", "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"Load test of localhost:{server.port}: 3 clients, 1.2 s, 64-byte messages")
    assert any(" running: 3 connected, " in line for line in lines)
    progress = [line for line in lines if " msg/s, " in line]
    assert 2 <= len(progress) <= 8  # at most a few lines a second
    assert "Summary" in lines and "errors: none" in lines
    assert any(line.startswith("latency: p50 ") for line in lines)
    assert done.stderr == ""


def test_load_speaks_spanish(server: RunningServer) -> None:
    done = run_load_face("--port", str(server.port), "--messages", "2000", "--lang", "es", "--payload", "ascii")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mensajes: 2.000 en " in done.stdout and "errores: ninguno" in done.stdout
    assert "texto ASCII" in done.stdout


def test_load_json_is_one_object_on_stdout(server: RunningServer) -> None:
    done = run_load_face(
        "--port", str(server.port), "--clients", "4", "--messages", "400", "--in-flight", "8", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    data = json.loads(done.stdout)
    assert set(data) >= SUMMARY_KEYS
    assert (data["messages"], data["errors"], data["connected"]) == (400, 0, 4)
    assert data["errors_by_kind"] == dict.fromkeys(ERROR_KINDS, 0)
    assert data["messages_per_second"] > 0 and 0 < data["p50_ms"] <= data["p99_ms"] <= data["max_ms"]
    assert data["first_mismatch"] is None
    assert "Load test of" in done.stderr or "Prueba de carga" in done.stderr  # progress goes to stderr


def test_load_against_a_wrong_server_shows_the_mismatch_and_exits_1() -> None:
    with misbehaving_server(lowercase) as (_, port):
        done = run_load_face("--port", str(port), "--clients", "2", "--messages", "20", "--json")
        text = run_load_face("--port", str(port), "--clients", "2", "--messages", "20", "--lang", "en")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["errors"] == data["errors_by_kind"]["mismatch"] == 2
    assert data["first_mismatch"]["received"] == data["first_mismatch"]["sent"].lower()
    assert text.returncode == 1
    assert "errors: mismatched reply 2" in text.stdout
    assert "first mismatched reply (first wrong byte: " in text.stdout
    assert "  received (64 bytes): " in text.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--clients", "0"],
        ["--clients", "many"],
        ["--duration", "0"],
        ["--duration", "inf"],
        ["--duration", "nan"],
        ["--size", "1"],
        ["--in-flight", "0"],
        ["--port", "0"],
        ["--port", "70000"],
        ["--messages", "0"],
        ["--messages", "5", "--duration", "1"],
        ["--payload", "latin1"],
        ["--in-flight", "1000", "--size", "1000000"],
    ],
)
def test_bad_option_values_exit_2_with_one_error_line(args: list[str]) -> None:
    done = run_load_face(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith("mayus load: error: ")
    assert "Traceback" not in done.stderr


def test_ctrl_c_cancels_prints_the_summary_and_leaves_no_process(server: RunningServer) -> None:
    face = subprocess.Popen(
        [sys.executable, "main.py", "load", "--port", str(server.port), "--duration", "60", "--lang", "en"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **platforms.interruptible(),
    )
    try:
        assert face.stdout is not None
        for line in face.stdout:  # bounded: the run prints a line every 0.5 s
            if " running: " in line:
                break
        workers = psutil.Process(face.pid).children(recursive=True)
        assert workers
        platforms.send_signal(face, signal.SIGINT)
        out, err = face.communicate(timeout=WAIT)
    finally:
        if face.poll() is None:
            face.kill()
            face.communicate()
    assert face.returncode == INTERRUPTED_EXIT
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "cancelled: these numbers count what was done until then" in out
    _gone, alive = psutil.wait_procs(workers, timeout=WAIT)
    assert alive == []
