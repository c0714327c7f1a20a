"""Argument checks of the public functions: strict validation first, or an explained crash.

One rule for the wrong-argument class of bad input, used by every public function: see
:func:`checked` and :func:`guarded`.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, validate_call

from hosplogi._types import brief
from hosplogi.errors import HosplogiError

__all__ = ["checked", "guarded"]

_F = TypeVar("_F", bound=Callable[..., Any])

_ARGUMENTS = ConfigDict(strict=True, arbitrary_types_allowed=True, allow_inf_nan=False)


def checked(function: _F) -> _F:
    """Check a public function's arguments against its annotations before it runs.

    The arguments must already have the annotated types (strictly: nothing is converted, and
    an int is accepted where a float is wanted); NaN and infinity are refused wherever a float is
    wanted. A wrong argument gets a pydantic ``ValidationError`` naming the parameter and what is
    accepted, before any work is done. The function then runs :func:`guarded`: the items of an
    iterable, read only as the function goes, are explained if one of them breaks it.

    Examples
    --------
    >>> @checked
    ... def half(x: float) -> float:
    ...     return x / 2
    >>> half(3)
    1.5
    >>> half("3")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for half
    x
      Input should be a valid number [type=float_type, input_value='3', input_type=str]
    ...
    """
    validators: dict[tuple[str, ...], Callable[..., Any]] = {}

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(function, validators, args, kwargs, consume=False)
        return function(*args, **kwargs)

    return guarded(run)  # type: ignore[return-value]


_CRASHES = (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError)
_HUGE = 2**63


def guarded(function: _F) -> _F:
    """Explain a crash caused by a wrong argument: the ``ValidationError`` that names it.

    The function runs as written, its own checks first (their messages are part of the API). Only
    if it then fails with a non-library exception (``TypeError``, ``AttributeError``,
    ``KeyError``, ``OverflowError``, ...) are the arguments checked against the annotations
    (strictly, as :func:`checked` does): a wrong argument gets a ``ValidationError`` naming it,
    a number too large for the machine a ``HosplogiError``. If every argument is of its type,
    the original exception propagates: that is a bug, not bad input. Nothing is paid on success.

    Examples
    --------
    >>> @guarded
    ... def total(values: list[int]) -> int:
    ...     return sum(values)
    >>> total([1, 2])
    3
    >>> total(None)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for total
    values
      Input should be a valid list [type=list_type, input_value=None, input_type=NoneType]
    ...
    """
    validators: dict[tuple[str, ...], Callable[..., Any]] = {}

    def explain(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        bound = _check_arguments(function, validators, args, kwargs, consume=True)
        # an argument too large for the machine: say which, whatever broke on it
        huge = [
            f"{name}={brief(value)}"
            for name, value in bound.arguments.items()
            if isinstance(value, (int, float, Decimal))
            and not isinstance(value, bool)
            and _huge(value)
        ]
        if huge:
            raise HosplogiError(
                f"{function.__name__}: {', '.join(huge)} out of the supported range "
                f"(numbers below {_HUGE:.0e} in magnitude)"
            ) from None

    if inspect.isgeneratorfunction(function):  # its body runs as it is read: guard the reading

        @functools.wraps(function)
        def read(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from function(*args, **kwargs)
            except (HosplogiError, ValidationError):
                raise
            except _CRASHES:
                explain(args, kwargs)
                raise

        return read  # type: ignore[return-value]

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (HosplogiError, ValidationError):
            raise
        except _CRASHES:
            explain(args, kwargs)
            raise

    return run  # type: ignore[return-value]


def _check_arguments(
    function: Callable[..., Any],
    validators: dict[tuple[str, ...], Callable[..., Any]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    consume: bool,
) -> inspect.BoundArguments:
    """Check the arguments given to `function` strictly against its annotations.

    Raises the ``ValidationError`` naming a wrong one; `consume` also reads lazily checked
    iterables (only once the function has failed: a one-shot iterator must reach it unread).
    """
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError as wrong:
        raise HosplogiError(f"{function.__name__}: {wrong}") from None
    given = tuple(bound.arguments)
    if given not in validators:
        validators[given] = _validator(function, given)
    try:
        _explain(function.__name__, bound.arguments, validators[given](**bound.arguments), consume)
    except ValidationError as invalid:
        raise invalid from None  # the wrong argument, named; what it broke is noise
    except (TypeError, ValueError) as odd:  # e.g. a mapping with non-text keys for a model
        raise HosplogiError(f"{function.__name__}: malformed argument: {odd}") from None
    return bound


def _validator(function: Callable[..., Any], given: tuple[str, ...]) -> Callable[..., Any]:
    """A strict validator of the arguments `given` to `function` (defaults are not re-checked)."""
    signature = inspect.signature(function)
    parameters = [
        p.replace(default=inspect.Parameter.empty, kind=inspect.Parameter.KEYWORD_ONLY)
        for name, p in signature.parameters.items()
        if name in given
    ]

    def nothing(**arguments: Any) -> dict[str, Any]:
        return arguments

    functools.update_wrapper(nothing, function)
    nothing.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=None
    )
    return validate_call(config=_ARGUMENTS)(nothing)


def _explain(
    name: str, given: Mapping[str, Any], validated: Mapping[str, Any], consume: bool
) -> None:
    """Raise for an argument pydantic would convert (a dict for a model) or a bad item inside."""
    for parameter, value in validated.items():
        if isinstance(value, BaseModel) and not isinstance(given[parameter], BaseModel):
            raise HosplogiError(
                f"{name}: {parameter} must be a {type(value).__name__}, got "
                f"{type(given[parameter]).__name__} {brief(given[parameter])}"
            )
        if consume and isinstance(value, Iterator) and not isinstance(value, str):
            list(value)  # a lazily checked iterable: its items are checked here


def _huge(value: float | Decimal) -> bool:
    if isinstance(value, Decimal) and not value.is_finite():
        return True
    if isinstance(value, int):
        return abs(value) >= _HUGE
    return not math.isfinite(value) or abs(float(value)) >= _HUGE
