"""A whole run against one server: resolve it once, probe it, then every check within the run's budget.

Order: the probe (caso1, which also learns the kind of server, then concurrent-clients on the same first
connection); then the gentle checks, all at once when the server serves several clients at once (one at a
time when it does not, since their connections would only queue); then the harsh ones, one at a time.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

from core.check import registry as ids
from core.check.registry import RUN_BUDGET_SECONDS, SERVER_CHECKS, SERVER_SPECS, Phase, server_hint, server_title
from core.check.results import CheckResult, Clip, Detail, Outcome, Report, ServerKind, in_order
from core.check.server_checks import CHECKS, concurrent_clients, probe
from core.check.server_context import CONNECT_TIMEOUT_SECONDS, ServerContext, Target
from core.check.verdicts import Stop, Verdict, error_detail, fail, seconds
from core.check.wire import Conn, Transcript
from core.errors import error_info

ResultCallback = Callable[[CheckResult], None]
# The runner's own backstop past a check's limit: a check stops itself at its deadline, this only bounds
# a check that somehow did not.
BACKSTOP_SECONDS = 0.5
MAX_PORT = 65535


class ServerRun:
    """Runs the server checks against host:port on the calling event loop; `results` fills as they finish.

    `on_result` is called once for each check that ran, as it finishes. When the target cannot be reached
    at all, no check runs: the report's outcome is UNREACHABLE, its `error` says why, and every result
    carries that error as its detail.
    """

    def __init__(
        self, host: str, port: int, on_result: ResultCallback | None = None, budget: float = RUN_BUDGET_SECONDS
    ) -> None:
        self.host = host
        self.port = port
        self.budget = budget
        self.results: dict[str, CheckResult] = {}
        self._on_result = on_result
        self._kind = ServerKind.UNKNOWN
        self._ends = 0.0
        self._started = 0.0

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def run(self) -> Report:
        """Every check, each bounded by its limit and all by the budget; never raises for what the server does.

        Cancelling the task ends every connection at once and returns a CANCELLED report.
        """
        self._started = self._now()
        self._ends = self._started + self.budget
        try:
            return await self._run()
        except asyncio.CancelledError:
            return self._report(Outcome.CANCELLED, fill=Detail.of("check.detail.cancelled"))

    async def _run(self) -> Report:
        transcript = Transcript.new()
        reached = await self._reach(transcript)
        if isinstance(reached, Detail):  # no check ran: the report alone says why
            return self._report(Outcome.UNREACHABLE, fill=reached, error=reached)
        target, first = reached
        try:
            await self._probe(target, first, transcript)
        finally:
            await first.close()
        rest = [spec for spec in SERVER_CHECKS if spec.phase is not Phase.PROBE]
        if self._kind is ServerKind.UNKNOWN:
            # It never answered: nothing to protect and nothing to queue behind, so everything at once.
            await asyncio.gather(*(self._run_check(target, spec.check_id) for spec in rest))
        else:
            together = self.results[ids.CONCURRENT_CLIENTS].passed
            gentle = [spec.check_id for spec in rest if spec.phase is Phase.GENTLE]
            if together:
                await asyncio.gather(*(self._run_check(target, check_id) for check_id in gentle))
            else:
                for check_id in gentle:
                    await self._run_check(target, check_id)
            for spec in rest:
                if spec.phase is Phase.HARSH:
                    await self._run_check(target, spec.check_id)
        return self._report(Outcome.COMPLETED)

    async def _reach(self, transcript: Transcript) -> tuple[Target, Conn] | Detail:
        """Resolve the host once and open the first connection; on failure, why, in words keys."""
        if not 0 < self.port <= MAX_PORT:  # else the port would wrap around to another one
            return Detail.of("check.detail.bad-port", port=self.port)
        loop = asyncio.get_running_loop()
        failure: Detail | None = None
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM), CONNECT_TIMEOUT_SECONDS
            )
        except (OSError, asyncio.TimeoutError, UnicodeError, ValueError, OverflowError) as exc:
            return error_detail(error_info(exc, self.host, self.port))
        for family, _, _, _, sockaddr in infos:
            address = (str(sockaddr[0]), int(sockaddr[1]))
            try:
                conn = await Conn.open(address, family, transcript, CONNECT_TIMEOUT_SECONDS)
            except (OSError, asyncio.TimeoutError, ValueError, OverflowError) as exc:
                failure = failure or error_detail(error_info(exc, self.host, self.port))
                continue
            return Target(self.host, self.port, address, family), conn
        return failure or Detail.of("check.detail.no-address")

    async def _probe(self, target: Target, first: Conn, transcript: Transcript) -> None:
        """caso1 on the first connection (it learns the kind of server), then concurrent-clients beside it."""
        spec = SERVER_SPECS[ids.CASO1]
        started = self._now()
        ctx = ServerContext(target, ServerKind.UNKNOWN, self._deadline(spec.limit), transcript)
        try:
            verdict, self._kind = await asyncio.wait_for(probe(ctx, first), spec.limit + BACKSTOP_SECONDS)
        except asyncio.TimeoutError:
            verdict = fail("check.detail.time-limit", seconds=seconds(spec.limit))
        except Exception as exc:  # a check never crashes the checker
            verdict = fail("check.detail.checker-error", detail=f"{type(exc).__name__}: {exc}")
        self._record(ids.CASO1, verdict, ctx, started)

        async def second(ctx: ServerContext) -> Verdict:
            return await concurrent_clients(ctx, first)

        await self._run_check(target, ids.CONCURRENT_CLIENTS, second)

    def _deadline(self, limit: float) -> float:
        return min(self._now() + limit, self._ends)

    async def _run_check(
        self, target: Target, check_id: str, check: Callable[[ServerContext], Awaitable[Verdict]] | None = None
    ) -> None:
        spec = SERVER_SPECS[check_id]
        started = self._now()
        if self._ends - started <= 0:
            self._record(check_id, fail("check.detail.out-of-time", seconds=seconds(self.budget)), None, started)
            return
        ctx = ServerContext(target, self._kind, self._deadline(spec.limit))
        graceful = False
        try:
            run = (check or CHECKS[check_id])(ctx)
            verdict = await asyncio.wait_for(run, ctx.deadline - started + BACKSTOP_SECONDS)
            graceful = True
        except asyncio.TimeoutError:
            verdict = fail("check.detail.time-limit", seconds=seconds(spec.limit))
        except Stop as exc:
            verdict = exc.verdict
            graceful = True
        except asyncio.CancelledError:
            await ctx.end_all(graceful=False)
            raise
        except Exception as exc:  # a check never crashes the checker, whatever the server does
            verdict = fail("check.detail.checker-error", detail=f"{type(exc).__name__}: {exc}")
        await ctx.end_all(graceful)
        self._record(check_id, verdict, ctx, started)

    def _record(self, check_id: str, verdict: Verdict, ctx: ServerContext | None, started: float) -> None:
        result = CheckResult(
            check_id=check_id,
            passed=verdict.passed,
            detail=verdict.detail,
            hint=server_hint(check_id),
            title=server_title(check_id),
            sent=ctx.transcript.sent.clip() if ctx else Clip(),
            received=ctx.transcript.received.clip() if ctx else Clip(),
            duration=self._now() - started,
        )
        self.results[check_id] = result
        if self._on_result is not None:
            self._on_result(result)

    def _report(self, outcome: Outcome, fill: Detail | None = None, error: Detail | None = None) -> Report:
        """The report in the registry's order; checks that did not run fail with `fill` as their detail."""
        check_ids = (spec.check_id for spec in SERVER_CHECKS)
        results = in_order(check_ids, self.results, fill, server_hint, server_title)
        kind = None if outcome is Outcome.UNREACHABLE else self._kind
        return Report(self.label, outcome, results, self._now() - self._started, kind, error)
