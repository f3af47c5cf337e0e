"""The `check` and `check-client` faces, run as a person would: lines, --json, exit codes, a class at a
time with its table and CSV, Gradescope's results.json, and bad options."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.parser import build_parser
from core.check import CLIENT_CHECK_IDS, SERVER_CHECK_IDS
from core.check.client_checks import END_WAIT_SECONDS
from core.check.verdicts import seconds
from tests.support.launcher import REPO_ROOT
from tests.support.processes import mayus, run_python
from tests.support.servers import RunningServer
from tests.support.sockets import free_port
from tests.support.students import BytesUpperServer, ClosesOnEofServer, StudentServer, write_client
from words import TABLES

# A whole run takes at most 30 s; a face adds its start-up.
RUN_TIMEOUT_SECONDS = 60.0
JSON_CHECK_KEYS = {"id", "title", "passed", "detail", "hint", "sent", "received", "sent_bytes", "received_bytes"}


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    return run_python("main.py", *args, timeout=RUN_TIMEOUT_SECONDS)


@pytest.fixture
def student_server() -> Iterator[StudentServer]:
    """The correct stand-in student server: a line server that passes every check."""
    stand_in = StudentServer()
    yield stand_in
    stand_in.close()


@pytest.fixture
def closes_on_eof_server() -> Iterator[ClosesOnEofServer]:
    stand_in = ClosesOnEofServer()
    yield stand_in
    stand_in.close()


def test_check_prints_a_line_per_check_and_exits_0_when_all_pass(server: RunningServer) -> None:
    done = run_main("check", "--port", str(server.port), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Checking the server at localhost:{server.port}"
    assert [line.split()[:2] for line in lines[1:15]] == [["✓", check_id] for check_id in SERVER_CHECK_IDS]
    assert lines[-1].startswith(f"{len(SERVER_CHECK_IDS)} passed, 0 failed in ")
    assert done.stderr == ""


def test_a_failed_check_is_a_cross_line_with_what_happened_and_the_hint(
    closes_on_eof_server: ClosesOnEofServer,
) -> None:
    done = run_main("check", "--port", str(closes_on_eof_server.address[1]), "--lang", "en")
    assert done.returncode == 1, done.stdout + done.stderr
    en = TABLES["en"]
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines[1:15]] == [
        ["✗" if check_id == "half-close" else "✓", check_id] for check_id in SERVER_CHECK_IDS
    ]
    detail = en["check.detail.closed-mid-reply"].format(got=0, expected=len(b"HOLA SERVIDOR\n"))
    crossed = [line for line in lines if line.startswith("✗")]
    assert crossed == [f"✗ half-close  {en['check.title.half-close']}: {detail}. Hint: {en['check.hint.half-close']}"]
    assert lines[-1].startswith(f"{len(SERVER_CHECK_IDS) - 1} passed, 1 failed in ")


def test_check_json_is_one_object_with_every_check_and_exit_1_on_a_failure(
    bytes_upper_server: BytesUpperServer,
) -> None:
    done = run_main("check", "--port", str(bytes_upper_server.address[1]), "--json", "--lang", "es")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["target"] == f"localhost:{bytes_upper_server.address[1]}"
    assert (report["passed"], report["failed"]) == (len(SERVER_CHECK_IDS) - 2, 2)
    checks = {check["id"]: check for check in report["checks"]}
    assert list(checks) == list(SERVER_CHECK_IDS)
    assert all(set(check) >= JSON_CHECK_KEYS for check in checks.values())
    unicode = checks["unicode"]
    assert unicode["passed"] is False and unicode["hint"].startswith("pasa a mayúsculas el texto")
    assert unicode["sent"] == "ñandú camión straße\\n" and unicode["received"] == "ñANDú CAMIóN STRAßE\\n"
    assert checks["caso1"]["hint"] is None and checks["caso1"]["detail"] == "la respuesta fue correcta (14 bytes)"
    long = checks["long-message"]
    assert long["sent"].endswith("…") and long["sent_bytes"] == 100_001  # cut, the full length kept


def test_check_on_a_port_nobody_listens_on_exits_2(refused_port: int) -> None:
    done = run_main("check", "--port", str(refused_port), "--lang", "en")
    assert done.returncode == 2
    assert done.stdout.splitlines()[-1].startswith("Could not connect at all: Connection refused by localhost:")
    assert "✓" not in done.stdout and "✗" not in done.stdout
    as_json = run_main("check", "--port", str(refused_port), "--json")
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["outcome"] == "unreachable"


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--port", "70000"],
        ["check", "--lang", "fr"],
        ["check", "--targets", "class.txt", "--gradescope", "results.json"],
        ["check", "--targets", "no-such-file.txt"],
        ["check-client"],
    ],
)
def test_a_bad_option_is_one_plain_line_and_exit_2(args: list[str]) -> None:
    done = run_main(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("mayus")


def test_a_class_at_a_time_prints_a_table_and_writes_it_as_csv(
    tmp_path: Path, student_server: StudentServer, bytes_upper_server: BytesUpperServer, refused_port: int
) -> None:
    targets = tmp_path / "class.txt"
    targets.write_text(
        f"127.0.0.1:{student_server.address[1]} Ana García\n"
        f"127.0.0.1:{bytes_upper_server.address[1]} Luis\n"
        f"127.0.0.1:{refused_port} Eva\n",
        encoding="utf-8",
    )
    table = tmp_path / "table.csv"
    done = run_main("check", "--targets", str(targets), "--csv", str(table), "--lang", "en")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("student"))
    assert lines[header].split()[1 : 1 + len(SERVER_CHECK_IDS)] == list(SERVER_CHECK_IDS)
    ana, luis, eva = lines[header + 1 : header + 4]
    assert ana.startswith("Ana García") and ana.count("✓") == len(SERVER_CHECK_IDS) and ana.endswith("14")
    assert luis.startswith("Luis") and luis.count("✗") == 2
    assert eva.startswith("Eva") and eva.endswith("could not connect")
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["name"], row["connected"], row["unicode"]) for row in rows] == [
        ("Ana García", "1", "1"),
        ("Luis", "1", "0"),
        ("Eva", "0", "0"),
    ]


def test_a_class_from_csv_where_nobody_answers_exits_2(tmp_path: Path, refused_port: int) -> None:
    targets = tmp_path / "class.csv"
    targets.write_text(f"name,host,port\nEva,127.0.0.1,{refused_port}\n", encoding="utf-8")
    done = run_main("check", "--targets", str(targets), "--json")
    assert done.returncode == 2
    (row,) = json.loads(done.stdout)
    assert row["name"] == "Eva" and row["outcome"] == "unreachable"


def test_gradescope_results_json(tmp_path: Path, student_server: StudentServer) -> None:
    results = tmp_path / "results.json"
    done = run_main("check", "--port", str(student_server.address[1]), "--gradescope", str(results), "--lang", "en")
    assert done.returncode == 0, done.stdout
    written = json.loads(results.read_text(encoding="utf-8"))
    assert written["score"] == len(SERVER_CHECK_IDS)
    assert [test["name"].split(":")[0] for test in written["tests"]] == list(SERVER_CHECK_IDS)
    assert all(test["score"] == test["max_score"] == 1 for test in written["tests"])
    assert written["output"] == "It takes each line as a message."


def test_check_client_passes_a_correct_client(tmp_path: Path) -> None:
    port = free_port()
    done = run_main(
        "check-client", "--port", str(port), "--lang", "en", "--", str(write_client("correct", tmp_path)), str(port)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines[1:7]] == [["✓", check_id] for check_id in CLIENT_CHECK_IDS]


def test_check_client_json_shows_the_original_clients_weakness(tmp_path: Path) -> None:
    port = free_port()
    program = str(write_client("original", tmp_path))
    done = run_main("check-client", "--port", str(port), "--json", "--lang", "es", "--", program, str(port))
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    checks = {check["id"]: check for check in report["checks"]}
    assert {check_id for check_id, check in checks.items() if not check["passed"]} == {"split-reply", "split-utf8"}
    split = checks["split-reply"]
    assert set(split) >= JSON_CHECK_KEYS
    assert split["received"] == "hola servidor" and "Respuesta: HOLA \\n" in split["output"]
    assert split["hint"].startswith("un recv() puede traer solo parte de la respuesta")


def test_check_client_lines_show_each_failure_with_its_hint_in_the_language_asked(tmp_path: Path) -> None:
    port = free_port()
    program = str(write_client("latin1", tmp_path))
    done = run_main("check-client", "--port", str(port), "--lang", "es", "--", program, str(port))
    assert done.returncode == 1, done.stdout + done.stderr
    es = TABLES["es"]
    lines = done.stdout.splitlines()
    assert lines[0] == es["check.face.client-header"].format(command=f"{program} {port}", port=port)
    crossed = [line for line in lines if line.startswith("✗")]
    assert crossed == [
        f"✗ {check_id}  {es[f'check.client.title.{check_id}']}: "
        f"{es['check.detail.typed-wrong'].format(text=text)}. Pista: {es[f'check.client.hint.{check_id}']}"
        for check_id, text in (("unicode", "ñandú camión"), ("split-utf8", "año"))
    ]
    assert [line.split()[1] for line in lines if line.startswith("✓")] == [
        "caso1",
        "caso2",
        "split-reply",
        "server-closes",
    ]


def test_check_client_listens_on_port_5000_unless_told() -> None:
    """The original client.py connects to port 5000: check-client waits for it there by default."""
    args = build_parser().parse_args(["check-client", "--", "client.py"])
    assert args.port == 5000 and args.program == ["client.py"]
    assert build_parser().parse_args(["check-client", "--port", "6000", "--", "client.py"]).port == 6000


def test_check_client_gradescope_results_json(tmp_path: Path) -> None:
    port = free_port()
    results = tmp_path / "results.json"
    program = str(write_client("hangs-on-close", tmp_path))
    done = run_main(
        "check-client", "--port", str(port), "--lang", "en", "--gradescope", str(results), "--", program, str(port)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == f"Wrote {results}"
    written = json.loads(results.read_text(encoding="utf-8"))
    assert written["score"] == len(CLIENT_CHECK_IDS) - 1
    en = TABLES["en"]
    assert [test["name"] for test in written["tests"]] == [
        f"{check_id}: {en[f'check.client.title.{check_id}']}" for check_id in CLIENT_CHECK_IDS
    ]
    tests = {test["name"].split(":")[0]: test for test in written["tests"]}
    assert all(test["max_score"] == 1 for test in written["tests"])
    assert {check_id for check_id, test in tests.items() if test["score"] == 0} == {"server-closes"}
    closes = tests["server-closes"]
    assert closes["status"] == "failed"
    detail = en["check.detail.kept-running"].format(seconds=seconds(END_WAIT_SECONDS))
    assert closes["output"] == f"{detail}. Hint: {en['check.client.hint.server-closes']}"


def test_check_client_with_a_program_that_never_connects_exits_2(tmp_path: Path) -> None:
    program = tmp_path / "idle.py"
    program.write_text("import time\ntime.sleep(600)\n", encoding="utf-8")
    done = run_main("check-client", "--port", str(free_port()), "--lang", "en", "--", str(program))
    assert done.returncode == 2
    assert done.stdout.splitlines()[-1].startswith("Could not connect at all: the program did not connect")


def test_a_reader_that_leaves_early_gets_no_traceback(server: RunningServer) -> None:
    # `check | head -1`: the pipe closes after the first line, while the checks still report from their thread.
    reader = subprocess.Popen(
        mayus("check", "--port", str(server.port), "--lang", "en"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.readline().startswith(b"Checking the server at")
    reader.stdout.close()
    errors = reader.stderr.read().decode("utf-8", "replace")
    assert reader.wait(RUN_TIMEOUT_SECONDS) == 0
    assert "Traceback" not in errors and "Error" not in errors, errors


def test_the_summary_reads_with_the_languages_decimal_mark(server: RunningServer) -> None:
    done = run_main("check", "--port", str(server.port), "--lang", "es")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(rf"{len(SERVER_CHECK_IDS)} bien, 0 mal en \d+,\d s", done.stdout.splitlines()[-1])
