"""Travel between locations: the matrix of minutes, its checks and its one lookup rule.

A dispatcher's day has walks: from the boiler house to Ward 7 takes time. A travel matrix maps a
location to the minutes to each other location (it may differ each way); a pair it does not list
takes a default; the same location is 0, and a task without a location needs no travel.
:class:`~hosplogi.scheduling.models.Problem` holds one, :func:`~hosplogi.scheduling.recommend`
takes one, and both look times up with :func:`travel_minutes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError

from hosplogi._types import FrozenDict, Identifier, brief
from hosplogi.errors import HosplogiError

__all__ = [
    "MAX_LOCATIONS",
    "MAX_TRAVEL",
    "Travel",
    "TravelMinutes",
    "check_travel",
    "travel_minutes",
]

MAX_TRAVEL = 10_080
"""Bound on one travel time, in minutes (a week): a walk or a drive between sites is far shorter."""
MAX_LOCATIONS = 1000
"""Distinct locations a travel matrix may name, and distinct task locations of a :class:`Problem`
whose travel is not all zero (the solver keeps a dense locations × locations matrix)."""

TravelMinutes = Annotated[int, Field(ge=0, le=MAX_TRAVEL, strict=True)]
"""A travel time in whole minutes, from 0 to :data:`MAX_TRAVEL`."""
Travel = FrozenDict[Identifier, FrozenDict[Identifier, TravelMinutes]]
"""Minutes from one location (outer key) to another (inner key)."""

_TRAVEL = TypeAdapter(Travel)


def check_travel(travel: object, default_travel: object = 0) -> tuple[Travel | None, int]:
    """Validate a travel matrix and its default, as :class:`Problem` does; read-only copies back.

    Raises
    ------
    HosplogiError
        A matrix that is not a mapping of location to a mapping of location to whole minutes from
        0 to :data:`MAX_TRAVEL`, a location's time to itself other than 0, more than
        :data:`MAX_LOCATIONS` locations, or a default outside 0 to :data:`MAX_TRAVEL`.

    Examples
    --------
    >>> check_travel({"Ward 7": {"Boiler house": 12}}, 3)
    ({'Ward 7': {'Boiler house': 12}}, 3)
    >>> check_travel({"Ward 7": {"Ward 7": 5}})
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: travel['Ward 7']['Ward 7'] is 5; a location's travel time ...
    """
    if (
        isinstance(default_travel, bool)
        or not isinstance(default_travel, int)
        or not 0 <= default_travel <= MAX_TRAVEL
    ):
        raise HosplogiError(
            f"default_travel must be whole minutes from 0 to {MAX_TRAVEL}, "
            f"got {brief(default_travel)}"
        )
    if travel is None:
        return None, default_travel
    if not isinstance(travel, Mapping):
        raise HosplogiError(
            f"travel must be a mapping of location to a mapping of location to minutes, "
            f"got {brief(travel)}"
        )
    names = set(travel)
    for row in travel.values():
        if isinstance(row, Mapping):
            names.update(row)
        if len(names) > MAX_LOCATIONS:
            raise HosplogiError(
                f"travel names more than {MAX_LOCATIONS} locations; group rooms into zones"
            )
    try:
        checked = _TRAVEL.validate_python(travel)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"[{part!r}]" for part in first["loc"])
        raise HosplogiError(
            f"travel{where} {first['msg'].lower()} (got {brief(first['input'])}); travel times "
            f"are whole minutes from 0 to {MAX_TRAVEL}"
        ) from None
    for origin, row in checked.items():
        same = row.get(origin)
        if same:
            raise HosplogiError(
                f"travel[{origin!r}][{origin!r}] is {same}; a location's travel time to itself is 0"
            )
    return checked, default_travel


def travel_minutes(
    travel: Mapping[str, Mapping[str, int]] | None,
    default_travel: int,
    origin: str | None,
    destination: str | None,
) -> int:
    """Minutes from `origin` to `destination`: 0 if either is None or both are the same place,
    ``travel[origin][destination]`` if given, else `default_travel`.

    Examples
    --------
    >>> travel_minutes({"A": {"B": 7}}, 4, "A", "B"), travel_minutes({"A": {"B": 7}}, 4, "B", "A")
    (7, 4)
    >>> travel_minutes({"A": {"B": 7}}, 4, "A", None), travel_minutes(None, 4, "A", "A")
    (0, 0)
    """
    if origin is None or destination is None or origin == destination:
        return 0
    if travel is not None:
        row = travel.get(origin)
        if row is not None:
            value = row.get(destination)
            if value is not None:
                return value
    return default_travel
