"""`flexloop bench optimizer`: time the reroute optimizer on a generated instance."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from flexloop.cli.bench_cmd import bench_app
from flexloop.cli.common import emit_json, err, friendly
from flexloop.errors import BadInput

MAX_ORDERS = 2_000_000
MAX_OPTIONS = 200


@bench_app.command("optimizer")
@friendly
def optimizer_cmd(
    orders: int = typer.Option(10_000, "--orders", help="Affected unshipped orders to reroute."),
    options: int = typer.Option(20, "--options", help="Options (carrier x warehouse) open to each order."),
    seed: int = typer.Option(7, "--seed", help="Instance seed: same seed, same instance."),
    time_limit: float = typer.Option(30.0, "--time-limit", help="Solver time limit in seconds."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object with the figures."),
) -> None:
    """Generate an instance, solve it exactly with HiGHS, report time, status, gap and coverage."""
    from flexloop.decide.optimizer import solve_reroute
    from flexloop.decide.optimizer_bench import make_instance

    if not 1 <= orders <= MAX_ORDERS:
        raise BadInput(f"--orders must be between 1 and {MAX_ORDERS}, got {orders}")
    if not 1 <= options <= MAX_OPTIONS:
        raise BadInput(f"--options must be between 1 and {MAX_OPTIONS}, got {options}")
    if not time_limit > 0:
        raise BadInput(f"--time-limit must be positive, got {time_limit}")
    with err.status("generating the instance"):
        inst = make_instance(orders, options, seed)
    with err.status(f"solving {orders} orders x {options} options"):
        res = solve_reroute(inst.orders, inst.options, inst.today, time_limit_s=time_limit)
    report: dict[str, Any] = {
        "seconds": round(res.seconds, 4),
        "status": res.status,
        "objective": round(res.objective, 4),
        "coverage": round(res.coverage_pct, 4),
        "gap": res.gap if res.gap != float("inf") else None,
        "orders": orders,
        "options": options,
        "seed": seed,
        "unassigned": _count(res.unassigned.values()),
        "kg_co2e": round(res.total_kg_co2e, 3),
    }
    if json_out:
        emit_json(report)
        return
    Console().print(
        f"{orders} orders x {options} options (seed {seed}): {report['status']} in {report['seconds']} s, "
        f"objective {report['objective']}, gap {report['gap']}, coverage {report['coverage']}%, "
        f"unassigned {report['unassigned'] or 'none'}",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


def _count(reasons: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in reasons:
        out[r] = out.get(r, 0) + 1
    return out
