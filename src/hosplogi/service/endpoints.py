"""The pure functions offered over HTTP, and the request models built from their signatures.

One ``POST`` endpoint per function: the body is a JSON object keyed by the function's parameter
names, validated by a model generated from the signature (so the OpenAPI document describes exactly
what the function accepts), and the response is the function's return value as JSON.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from hosplogi import (
    assets,
    contracts,
    costs,
    inspections,
    kpi,
    maintenance,
    safety,
    scheduling,
    sla,
    stores,
)
from hosplogi.errors import HosplogiError
from hosplogi.sla import SlaStatus

__all__ = ["ENDPOINTS", "Endpoint", "Limits"]


@dataclass(frozen=True)
class Limits:
    """The bounds a service puts on the work of one request."""

    max_body: int = 10_000_000
    """Largest request body in bytes."""
    max_solve_seconds: float = 30.0
    """The most wall time one ``scheduling/solve`` call may take."""


def _cap_solve(arguments: dict[str, Any], limits: Limits) -> dict[str, Any]:
    asked = arguments.get("time_limit")
    if asked is not None and not isinstance(asked, (int, float)):
        return arguments  # solve itself names what is accepted
    if asked is not None and asked > limits.max_solve_seconds:
        raise HosplogiError(
            f"time_limit {asked} s exceeds this service's limit of {limits.max_solve_seconds} s; "
            "ask for less, or set an iteration budget"
        )
    return {**arguments, "time_limit": limits.max_solve_seconds if asked is None else asked}


@dataclass(frozen=True)
class Endpoint:
    """One function behind ``POST /v1/{path}``."""

    path: str
    function: Callable[..., Any]
    response: Any = None
    """The response type; the function's return annotation when None."""
    exclude: frozenset[str] = frozenset()
    """Parameters not offered over HTTP (they keep their defaults)."""
    prepare: Callable[[dict[str, Any], Limits], dict[str, Any]] | None = None
    """Bounds applied to the arguments before the call."""
    request: type[BaseModel] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "request", _request_model(self))

    @property
    def name(self) -> str:
        """``sla/evaluate`` → ``SlaEvaluate``."""
        words = self.path.replace("-", "/").split("/")
        return "".join(w.capitalize() for w in words)

    def response_type(self) -> Any:
        """What the endpoint returns, as a type pydantic can serialise."""
        if self.response is not None:
            return self.response
        return typing.get_type_hints(self.function)["return"]

    def call(self, body: BaseModel, limits: Limits) -> Any:
        """Call the function with the validated body's fields as keyword arguments."""
        arguments = {
            field.alias or name: getattr(body, name)
            for name, field in type(body).model_fields.items()
        }
        if self.prepare is not None:
            arguments = self.prepare(arguments, limits)
        return self.function(**arguments)


def _on_the_wire(annotation: Any) -> Any:
    """An argument type as JSON can carry it: iterables and sequences become tuples."""
    origin = typing.get_origin(annotation)
    if origin in (Iterable, Sequence):
        (item,) = typing.get_args(annotation)
        return tuple[item, ...]  # type: ignore[valid-type]
    return annotation


def _wire_default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _request_model(endpoint: Endpoint) -> type[BaseModel]:
    hints = typing.get_type_hints(endpoint.function)
    fields: dict[str, Any] = {}
    for p in inspect.signature(endpoint.function).parameters.values():
        if p.name in endpoint.exclude:
            continue
        default = ... if p.default is inspect.Parameter.empty else _wire_default(p.default)
        # a parameter named like a model attribute (`register`) keeps its name on the wire
        name = f"{p.name}_" if hasattr(BaseModel, p.name) else p.name
        fields[name] = (_on_the_wire(hints[p.name]), Field(default, alias=p.name))
    return create_model(
        f"{endpoint.name}Request",
        __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=True),
        __doc__=f"The arguments of ``{endpoint.function.__qualname__}``.",
        **fields,
    )


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("sla/evaluate", sla.evaluate),
    Endpoint("sla/evaluate-many", sla.evaluate_many, list[SlaStatus], frozenset({"columns"})),
    Endpoint("sla/compliance", sla.compliance),
    Endpoint("scheduling/recommend", scheduling.recommend),
    Endpoint("scheduling/assign", scheduling.assign),
    Endpoint(
        "scheduling/solve", scheduling.solve, exclude=frozenset({"workers"}), prepare=_cap_solve
    ),
    Endpoint(
        "scheduling/replan", scheduling.replan, exclude=frozenset({"workers"}), prepare=_cap_solve
    ),
    Endpoint("kpi/score", kpi.score),
    Endpoint("kpi/measures", kpi.measures),
    Endpoint("kpi/ahp", kpi.ahp),
    Endpoint("kpi/entropy-weights", kpi.entropy_weights),
    Endpoint("kpi/allocate", kpi.allocate),
    Endpoint("kpi/default-scorecard", kpi.default_scorecard),
    Endpoint("contracts/settle", contracts.settle),
    Endpoint("contracts/rank-bids", contracts.rank_bids),
    Endpoint("inspections/occurrences", inspections.occurrences),
    Endpoint("maintenance/due", maintenance.due),
    Endpoint("maintenance/generate-orders", maintenance.generate_orders),
    Endpoint("assets/reliability", assets.reliability),
    Endpoint("assets/usage", assets.usage),
    Endpoint("assets/energy-use", assets.energy_use),
    Endpoint("stores/stock", stores.stock),
    Endpoint("stores/reorder", stores.reorder),
    Endpoint("costs/order-cost", costs.order_cost),
    Endpoint("costs/department-statement", costs.department_statement),
    Endpoint("safety/drill-compliance", safety.drill_compliance),
    Endpoint("safety/audit-waste", safety.audit_waste),
    Endpoint("safety/waste-totals", safety.waste_totals),
)
"""Every function the service offers, in the order of the OpenAPI document."""
