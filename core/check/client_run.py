"""A whole run against one client program: listen on the port, then each check with a fresh run of it.

The checks run one after another (each program run connects to the same port, so two at once could
not be told apart). If the program never connects in the first check, the others are not tried: they
fail with the same reason, and the report says UNREACHABLE.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence

from core.check.client_checks import CHECKS
from core.check.client_context import ClientContext
from core.check.program import command_line
from core.check.registry import CLIENT_CHECKS, RUN_BUDGET_SECONDS, ClientSpec, client_hint, client_title
from core.check.results import CheckResult, Clip, Detail, Outcome, Report, in_order
from core.check.server_run import BACKSTOP_SECONDS, MAX_PORT, ResultCallback
from core.check.verdicts import Stop, Verdict, error_detail, fail, seconds
from core.defaults import DEFAULT_HOST
from core.errors import error_info

# Keys of the details that mean "the program never got as far as connecting".
NEVER_CONNECTED = ("check.detail.program-no-connection", "check.detail.program-ended-unconnected")


class ClientRun:
    """Runs the client checks against `command` on the calling event loop, listening on host:port.

    `on_result` is called once for each check that ran, as it finishes; checks that did not run (the
    program could not start or never connected) carry the report's `error` as their detail.
    """

    def __init__(
        self,
        command: Sequence[str],
        port: int,
        on_result: ResultCallback | None = None,
        budget: float = RUN_BUDGET_SECONDS,
        host: str = DEFAULT_HOST,
    ) -> None:
        self.command = list(command)
        self.port = port
        self.host = host
        self.budget = budget
        self.results: dict[str, CheckResult] = {}
        self._on_result = on_result
        self._started = 0.0
        self._ends = 0.0

    @property
    def label(self) -> str:
        return " ".join(command_line(self.command))

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def run(self) -> Report:
        """Every client check in turn; the program is ended after each. Cancelling returns a CANCELLED report."""
        self._started = self._now()
        self._ends = self._started + self.budget
        if not 0 < self.port <= MAX_PORT:
            detail = Detail.of("check.detail.bad-port", port=self.port)
            return self._report(Outcome.NOT_STARTED, fill=detail, error=detail)
        try:
            listener = self._listen()
        except OSError as exc:
            detail = error_detail(error_info(exc, self.host, self.port))
            return self._report(Outcome.NOT_STARTED, fill=detail, error=detail)
        try:
            return await self._run_all(listener)
        except asyncio.CancelledError:
            return self._report(Outcome.CANCELLED, fill=Detail.of("check.detail.cancelled"))
        finally:
            listener.close()

    def _listen(self) -> socket.socket:
        listener = socket.create_server((self.host, self.port), backlog=8)
        listener.setblocking(False)
        return listener

    async def _run_all(self, listener: socket.socket) -> Report:
        for spec in CLIENT_CHECKS:
            verdict = await self._run_check(listener, spec)
            if not self.results or len(self.results) > 1:
                continue
            # After the first check: a program that cannot start or never connects would fail every
            # check the same way, so the run stops here.
            key = verdict.detail.key
            if key == "check.detail.program-not-started":
                return self._report(Outcome.NOT_STARTED, fill=verdict.detail, error=verdict.detail)
            if key in NEVER_CONNECTED:
                return self._report(Outcome.UNREACHABLE, fill=verdict.detail, error=verdict.detail)
        return self._report(Outcome.COMPLETED)

    async def _run_check(self, listener: socket.socket, spec: ClientSpec) -> Verdict:
        started = self._now()
        ctx = ClientContext(listener, self.port, self.command, min(started + spec.limit, self._ends))
        if ctx.deadline <= started:
            verdict = fail("check.detail.out-of-time", seconds=seconds(self.budget))
            self._record(spec.check_id, verdict, ctx, started)
            return verdict
        try:
            verdict = await asyncio.wait_for(CHECKS[spec.check_id](ctx), ctx.deadline - started + BACKSTOP_SECONDS)
        except asyncio.TimeoutError:
            verdict = fail("check.detail.time-limit", seconds=seconds(spec.limit))
        except Stop as exc:
            verdict = exc.verdict
        except asyncio.CancelledError:
            await asyncio.shield(ctx.end())
            raise
        except Exception as exc:  # a check never crashes the checker, whatever the program does
            verdict = fail("check.detail.checker-error", detail=f"{type(exc).__name__}: {exc}")
        await ctx.end()
        self._record(spec.check_id, verdict, ctx, started)
        return verdict

    def _record(self, check_id: str, verdict: Verdict, ctx: ClientContext, started: float) -> None:
        result = CheckResult(
            check_id=check_id,
            passed=verdict.passed,
            detail=verdict.detail,
            hint=client_hint(check_id),
            title=client_title(check_id),
            sent=ctx.transcript.sent.clip(),
            received=ctx.transcript.received.clip(),
            output=ctx.program.output_clip() if ctx.program else Clip(),
            duration=self._now() - started,
        )
        self.results[check_id] = result
        if self._on_result is not None:
            self._on_result(result)

    def _report(self, outcome: Outcome, fill: Detail | None = None, error: Detail | None = None) -> Report:
        """The report in the registry's order; checks that did not run fail with `fill` as their detail."""
        check_ids = (spec.check_id for spec in CLIENT_CHECKS)
        results = in_order(check_ids, self.results, fill, client_hint, client_title)
        return Report(self.label, outcome, results, self._now() - self._started, None, error)
