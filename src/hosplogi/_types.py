"""Shared annotated types, the frozen base model and small validation helpers.

This is the bottom layer: every model module imports from here, so a rule about identifiers,
skill levels, timezone-aware instants or money lives in exactly one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Annotated, Any, NoReturn, Self, TypeVar, get_args

from pydantic import (
    AfterValidator,
    AllowInfNan,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
)
from pydantic_core import core_schema

from hosplogi.errors import HosplogiError

__all__ = [
    "CENT",
    "MONEY_LIMIT",
    "Finite",
    "FrozenDict",
    "FrozenModel",
    "Identifier",
    "Instant",
    "Level",
    "Money",
    "NonNegativeInt",
    "brief",
    "by_position",
    "money_context",
    "require_aware",
    "require_finite",
    "require_non_negative",
    "require_unique",
    "shift",
    "to_decimal",
    "to_money",
]

CENT = Decimal("0.01")
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")
MIN_LEVEL = 1
MAX_LEVEL = 5


def _interned(table: dict[_K, _V], key: _K, make: Callable[[_K], _V], bound: int) -> _V:
    """The one value `table` keeps for `key`: made on first use, kept while under `bound`."""
    value = table.get(key)
    if value is None:
        value = make(key)
        if len(table) < bound:
            value = table.setdefault(key, value)  # a racing thread's value, if it came first
    return value


# Pydantic gives every instance its own ``set`` of the field names given explicitly
# (``model_fields_set``). A small set takes 728 bytes: more than the values of a typical event, and
# 5.6 KB of the 9.7 KB an order of eight events took. A frozen model never changes that set
# (pydantic adds to it only on assignment, and ``model_copy`` copies it before updating), so every
# instance with the same names can point at one shared set. The table stays small: a model has a
# handful of combinations of given fields in practice; past the bound, instances keep their own.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_FIELDS_SETS_BOUND = 4096
_FIELDS_IN_ORDER: dict[tuple[str, ...], set[str]] = {}
"""The same sets by the names in the order given: a batch path gives a handful of shapes again
and again, and a tuple is quicker to look up than a frozenset to build."""


def shared_fields_set(names: Iterable[str]) -> set[str]:
    """Return the one shared ``set`` of these field names (treat it as read-only).

    For models built without validation (the batch paths), and used by every
    :class:`FrozenModel` after validation and copying.

    Examples
    --------
    >>> shared_fields_set(["at", "action"]) is shared_fields_set(("action", "at"))
    True
    """
    if type(names) is not tuple:
        return _interned(_FIELDS_SETS, frozenset(names), set, _FIELDS_SETS_BOUND)
    found = _FIELDS_IN_ORDER.get(names)
    if found is None:
        found = _interned(_FIELDS_SETS, frozenset(names), set, _FIELDS_SETS_BOUND)
        if len(_FIELDS_IN_ORDER) < _FIELDS_SETS_BOUND:
            _FIELDS_IN_ORDER[names] = found
    return found


class FrozenModel(BaseModel):
    """Base of every hosplogi model: immutable, no unknown fields, enums kept as enums.

    Instances with the same explicitly given fields share one ``model_fields_set`` (see
    :func:`shared_fields_set`): treat it as read-only, as a frozen model's should be.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def model_post_init(self, context: Any, /) -> None:
        """Point the new instance at the shared set of its given field names."""
        self._share_fields_set()

    def _share_fields_set(self) -> None:
        object.__setattr__(
            self, "__pydantic_fields_set__", shared_fields_set(self.__pydantic_fields_set__)
        )

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, a new model validated like any other (pydantic's would not be).

        Pydantic's ``model_copy(update=...)`` sets the new values without validation, so a frozen
        model could end up holding a mutable dict or a value its validators refuse. Here the
        updated fields are validated with the rest, and a refusal is a ``ValidationError``.

        A ``functools.cached_property`` of a model (a calendar's interval arrays, a policy's
        goals) lives in the instance ``__dict__`` beside the fields; a copy must compute its own.
        The copy shares the set of its given field names.
        """
        if update:
            fields = type(self).model_fields
            unknown = sorted(set(update) - set(fields))
            if unknown:
                raise HosplogiError(
                    f"{type(self).__name__} has no field {', '.join(unknown)}; "
                    f"fields: {', '.join(fields)}"
                )
            given = {k: self.__dict__[k] for k in self.model_fields_set if k in fields}
            copied = type(self).model_validate({**given, **update})
            return copied.model_copy(deep=True) if deep else copied
        copied = super().model_copy(deep=deep)
        values, fields = copied.__dict__, type(self).model_fields
        for name in [k for k in values if k not in fields]:
            del values[name]
        copied._share_fields_set()
        return copied


class FrozenDict(dict[_K, _V]):
    """A read-only ``dict``: the mapping type of every model field, hashable like a tuple.

    It compares equal to a plain ``dict`` with the same items and serialises as one; every method
    that would change it in place raises ``TypeError``, as a tuple's would.

    Examples
    --------
    >>> levels = FrozenDict({"plumbing": 3})
    >>> levels == {"plumbing": 3}, hash(levels) == hash(FrozenDict({"plumbing": 3}))
    (True, True)
    >>> levels["plumbing"] = 5
    Traceback (most recent call last):
    ...
    TypeError: FrozenDict is read-only; build a new mapping instead
    """

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("FrozenDict is read-only; build a new mapping instead")

    __setitem__ = __delitem__ = __ior__ = _read_only
    update = pop = popitem = clear = setdefault = _read_only

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[FrozenDict[_K, _V]], tuple[dict[_K, _V]]]:
        return (type(self), (dict(self),))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        key, value = get_args(source) or (Any, Any)
        return core_schema.no_info_after_validator_function(
            cls,
            handler.generate_schema(dict[key, value]),  # type: ignore[valid-type]
        )


def by_position(
    model: str, names: tuple[str, ...], args: tuple[Any, ...], data: dict[str, Any]
) -> dict[str, Any]:
    """`data` with positional `args` given the field `names`, for models taking fields by position.

    Examples
    --------
    >>> by_position("Pair", ("a", "b"), (1,), {"b": 2})
    {'b': 2, 'a': 1}
    >>> by_position("Pair", ("a", "b"), (1, 2, 3), {})
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: Pair takes at most 2 positional arguments (a, b), got 3
    """
    if len(args) > len(names):
        raise HosplogiError(
            f"{model} takes at most {len(names)} positional arguments ({', '.join(names)}), "
            f"got {len(args)}"
        )
    for name, value in zip(names, args, strict=False):
        if name in data:
            raise HosplogiError(f"{model} got {name!r} both by position and by name")
        data[name] = value
    return data


def brief(value: Any, limit: int = 40) -> str:
    """``repr(value)`` cut to `limit` characters, for error messages about untrusted input.

    Examples
    --------
    >>> brief(10**50)
    '100000000000000000000000000000000000...'
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def require_unique(values: Iterable[Hashable], what: str, *, shown: int = 5) -> None:
    """Raise HosplogiError if `values` repeat, naming the first few repeated ones (linear time).

    Usable inside model validators too: a HosplogiError is a ValueError, which pydantic reports.

    Examples
    --------
    >>> require_unique(["T1", "T2"], "technician ids")
    >>> require_unique(["T1", "T2", "T1", "T3", "T3"], "technician ids")
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: technician ids must be unique; got T1, T3 more than once
    """
    seen: set[Hashable] = set()
    repeated: dict[Hashable, None] = {}
    for value in values:
        if value in seen:
            repeated[value] = None
        else:
            seen.add(value)
    if repeated:
        names = [v if isinstance(v, str) else repr(v) for v in repeated]
        more = f" and {len(names) - shown} more" if len(names) > shown else ""
        raise HosplogiError(
            f"{what} must be unique; got {', '.join(names[:shown])}{more} more than once"
        )


Finite = Annotated[float, AllowInfNan(False)]
"""A float that is neither NaN nor infinite (JSON cannot carry those, and they poison sums)."""


def require_finite(value: Any, name: str) -> float:
    """Return `value` as a float if it is a finite real number, else raise HosplogiError.

    Examples
    --------
    >>> require_finite(3, "weight")
    3.0
    >>> require_finite(float("nan"), "weight")
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: weight must be a finite number, got nan
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise HosplogiError(f"{name} must be a finite number, got {brief(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise HosplogiError(
            f"{name} must be a finite number, got {brief(value)}, too large"
        ) from None
    if not math.isfinite(number):
        raise HosplogiError(f"{name} must be a finite number, got {brief(value)}")
    return number


def shift(at: datetime, delta: timedelta, *, name: str = "time") -> datetime:
    """Return ``at + delta``, or a HosplogiError stating the range datetimes support.

    Examples
    --------
    >>> shift(datetime(9999, 12, 31, tzinfo=UTC), timedelta(days=1))
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: time 9999-12-31 00:00:00+00:00 + 1 day, 0:00:00 falls outside \
the supported range of years 1 to 9999
    """
    try:
        return at + delta
    except OverflowError:
        raise HosplogiError(
            f"{name} {at} + {delta} falls outside the supported range of years 1 to 9999"
        ) from None


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(
            f"must be a non-empty identifier without surrounding spaces, got {value!r}"
        )
    if value != value.strip():
        raise ValueError(f"must not start or end with whitespace, got {value!r}")
    return value


Identifier = Annotated[str, AfterValidator(_non_blank)]
"""A non-empty string with no leading or trailing whitespace (ids, skill names, trades)."""

Level = Annotated[int, Field(ge=MIN_LEVEL, le=MAX_LEVEL, strict=True)]
"""A skill level from 1 (able) to 5 (expert)."""

NonNegativeInt = Annotated[int, Field(ge=0, strict=True)]


MONEY_LIMIT = Decimal("1E15")
"""Amounts of money must lie strictly between −10¹⁵ and 10¹⁵ (a quadrillion yuan)."""

# Money never depends on the caller's decimal context: 34 digits hold any amount within the limit
# times any count of the library's batches exactly, and every condition is trapped.
_MONEY_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)


@contextmanager
def money_context() -> Iterator[Context]:
    """The decimal context of every money computation, whatever the caller's context is.

    Examples
    --------
    >>> from decimal import getcontext
    >>> with money_context():
    ...     getcontext().prec
    34
    """
    with localcontext(_MONEY_CONTEXT) as ctx:
        yield ctx


def to_decimal(value: Any, *, name: str = "", unit: str = "") -> Decimal:
    """`value` as an exact Decimal: the one parser of money, rates, weights and quantities.

    Floats are refused (most decimal amounts have no exact float), as are bools, other types,
    text that is no number, NaN and infinity. The result does not depend on the caller's decimal
    context. `name` and `unit` only shape the error message.

    Examples
    --------
    >>> to_decimal(" 0.10 ")
    Decimal('0.10')
    >>> to_decimal(0.1, name="rate")
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: rate must be a Decimal, int or decimal string, not float 0.1; \
write Decimal('0.1') to keep it exact
    """
    what = (
        f"{name} must be a Decimal, int or decimal string{unit}"
        if name
        else (f"must be a Decimal, int or decimal string{unit}")
    )
    if isinstance(value, (bool, float)):
        raise HosplogiError(
            f"{what}, not {type(value).__name__} {brief(value)}; write Decimal({str(value)!r}) "
            "to keep it exact"
        )
    if not isinstance(value, (Decimal, int, str)):
        raise HosplogiError(f"{what}, got {type(value).__name__} {brief(value)}")
    with money_context():
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except (ArithmeticError, ValueError):
            raise HosplogiError(f"{what}, got {brief(value)}") from None
    if not number.is_finite():
        raise HosplogiError(
            f"{name + ' ' if name else ''}must be a finite number, got {brief(value)}"
        )
    return number


def to_money(value: Any, *, name: str = "amount") -> Decimal:
    """Return `value` as a Decimal quantised to the cent with ROUND_HALF_UP.

    Floats are refused: they cannot represent most amounts of money exactly. The result does not
    depend on the caller's decimal context.

    Parameters
    ----------
    value : Decimal, int or str
        The amount. A ``str`` must parse as a decimal number.
    name : str
        The name used in the error message.

    Returns
    -------
    Decimal
        Quantised to 0.01, with an absolute value below :data:`MONEY_LIMIT`.

    Raises
    ------
    HosplogiError
        If `value` is a float, a bool, not a finite number, not parseable, or out of range.

    Examples
    --------
    >>> to_money("12.345")
    Decimal('12.35')
    >>> to_money(3)
    Decimal('3.00')
    """
    amount = to_decimal(value, name=name)
    with money_context():
        if amount.copy_abs() >= MONEY_LIMIT:
            raise HosplogiError(
                f"{name} {brief(value)} is out of range; amounts must lie strictly between "
                f"-{MONEY_LIMIT:,.0f} and {MONEY_LIMIT:,.0f}"
            )
        return amount.quantize(CENT)


def _money_before(value: Any) -> Decimal:
    return to_money(value)


Money = Annotated[Decimal, BeforeValidator(_money_before)]
"""A Decimal amount quantised to the cent; floats are refused."""


def _imaginary_reason(value: datetime) -> str | None:
    """Why `value` names no real instant (a wall time skipped by a DST change), or None."""
    if type(value.tzinfo) is timezone:  # a fixed offset skips no wall time
        return None
    round_trip = value.astimezone(UTC).astimezone(value.tzinfo)
    if round_trip.replace(tzinfo=None) != value.replace(tzinfo=None):
        return (
            f"{value.replace(tzinfo=None).isoformat()} does not exist in time zone "
            f"{value.tzinfo} (the clocks skip it); the nearest real time is "
            f"{round_trip.replace(tzinfo=None).isoformat()}"
        )
    return None


# One `timezone` per UTC offset for the instants hosplogi pins: the datetimes of orders read from
# JSON (pydantic gives each its own tzinfo) or given in a ZoneInfo zone then share one tzinfo
# object, which costs no memory per instant and lets the SLA replay subtract them within one zone.
_ZONES: dict[timedelta, timezone] = {}
_ZONES_BOUND = 1024


def fixed_zone(offset: timedelta) -> timezone:
    """The one shared `timezone` of a UTC offset.

    Examples
    --------
    >>> fixed_zone(timedelta(hours=8)) is fixed_zone(timedelta(hours=8))
    True
    """
    return _interned(_ZONES, offset, timezone, _ZONES_BOUND)


def _fixed_offset(value: datetime) -> datetime:
    tz = value.tzinfo
    if type(tz) is timezone:  # kept as given (it may carry a name)
        return value
    assert tz is not None  # _refuse_naive ran first
    fixed = tz.utcoffset(None)  # a fixed offset (pydantic's, dateutil's) skips no wall time
    if fixed is not None:
        return value.replace(tzinfo=fixed_zone(fixed))
    reason = _imaginary_reason(value)
    if reason:
        raise ValueError(reason)
    offset = value.utcoffset()
    assert offset is not None  # _refuse_naive ran first
    # A zone-aware time made ambiguous by a DST change never compares equal to the same
    # instant in another zone (PEP 495), and JSON keeps only the offset; pinning the offset
    # keeps round trips exact. Local-time rules (calendars) carry their own zone.
    return value.astimezone(fixed_zone(offset))


def _refuse_naive(value: Any) -> Any:
    if isinstance(value, datetime):
        offset = value.utcoffset() if value.tzinfo is not None else None
        if offset is None:
            raise ValueError(
                f"must be timezone-aware, got the naive datetime {value.isoformat()}; attach a "
                "tzinfo such as ZoneInfo('Asia/Shanghai') or timezone.utc"
            )
        if offset % timedelta(minutes=1):
            raise ValueError(
                f"{value.isoformat()} has a UTC offset with seconds ({offset}), which JSON "
                "(RFC 3339) cannot keep; give the instant in UTC or a whole-minute offset"
            )
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_refuse_naive), AfterValidator(_fixed_offset)]
"""A timezone-aware datetime naming a real instant, stored with its fixed UTC offset.

Wall times skipped by a daylight-saving change are refused; a ``ZoneInfo`` time is converted to the
same instant with its fixed offset (``+08:00`` for Asia/Shanghai), which is what JSON keeps.
"""


def require_aware(value: datetime, name: str = "at") -> datetime:
    """Return `value` if it is a timezone-aware datetime of a real instant, else raise.

    Raises
    ------
    HosplogiError
        If `value` is not a datetime, is naive, or is a wall time its time zone skips.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> require_aware(datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).hour
    9
    """
    if not isinstance(value, datetime):
        raise HosplogiError(f"{name} must be a timezone-aware datetime, got {value!r}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise HosplogiError(
            f"{name} must be timezone-aware, got the naive datetime {value.isoformat()}; "
            "attach a tzinfo, e.g. ZoneInfo('Asia/Shanghai') or timezone.utc"
        )
    reason = _imaginary_reason(value)
    if reason:
        raise HosplogiError(f"{name}: {reason}")
    return value


def require_day(value: Any, name: str = "day") -> date:
    """Return `value` if it is a calendar day (a ``date``, not a ``datetime``), else raise.

    A ``datetime`` is refused rather than cut to its date: which local date an instant falls on
    depends on a time zone the caller knows and this function does not.

    Raises
    ------
    HosplogiError
        If `value` is not a ``datetime.date`` or is a ``datetime``.

    Examples
    --------
    >>> require_day(date(2026, 3, 2)).isoformat()
    '2026-03-02'
    >>> require_day("2026-03-02", "on")
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: on must be a datetime.date (not a datetime: use at.date() for \
the local date you mean), got '2026-03-02'
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise HosplogiError(
            f"{name} must be a datetime.date (not a datetime: use at.date() for the local "
            f"date you mean), got {brief(value)}"
        )
    return value


def require_non_negative(value: timedelta, name: str) -> timedelta:
    """Return `value` if it is a timedelta of zero or more, else raise HosplogiError.

    Examples
    --------
    >>> require_non_negative(timedelta(minutes=5), "duration")
    datetime.timedelta(seconds=300)
    """
    if not isinstance(value, timedelta):
        raise HosplogiError(f"{name} must be a datetime.timedelta, got {value!r}")
    if value < timedelta(0):
        raise HosplogiError(f"{name} must be zero or more, got {value}")
    return value
