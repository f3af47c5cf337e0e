"""Check a server, check a client: the classroom test manual, automated (no Tk, no prose).

- `start_server_check(host, port, on_result, on_done)` and `start_client_check(command, port, ...)` run on a
  worker thread and return a `CheckJob` (cancel, wait); `check_server` and `check_client` block until done.
- Each check reports a frozen `CheckResult`: its stable id, passed, a `Detail` (a words key and values),
  a hint key, the bytes sent and received (clipped, full length kept) and its duration.
- `start_class_check(students, ...)` checks a class in turn (`core.check.targets` reads the list);
  `core.check.table` turns the reports into CSV rows or Gradescope's results.json.
- The ids, time limits and words keys are in `core.check.registry`; `core.check.text.escaped` shows bytes.
"""

from core.check.api import check_client, check_server, start_class_check, start_client_check, start_server_check
from core.check.class_run import ClassReport
from core.check.job import CheckJob
from core.check.registry import CLIENT_CHECK_IDS, SERVER_CHECK_IDS
from core.check.results import CheckResult, Clip, Detail, Outcome, Report, ServerKind

__all__ = [
    "CLIENT_CHECK_IDS",
    "SERVER_CHECK_IDS",
    "CheckJob",
    "CheckResult",
    "ClassReport",
    "Clip",
    "Detail",
    "Outcome",
    "Report",
    "ServerKind",
    "check_client",
    "check_server",
    "start_class_check",
    "start_client_check",
    "start_server_check",
]
