"""China's statutory holidays and make-up working days (调休), from a package or from the notice.

Every year the General Office of the State Council publishes a notice (国务院办公厅关于…部分节假日
安排的通知) naming the days off and the weekend days worked in exchange. The `holidays` package
transcribes them (:func:`china_official_years`); a year it does not know yet — typically the
next one, whose notice appears in November or December — can be given as data, a
:class:`ChinaNotice`, without waiting for a release.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from importlib.metadata import version
from typing import Any

from pydantic import model_validator

from hosplogi._types import FrozenModel, brief, require_unique
from hosplogi.calendars._timeline import MAX_SPAN_YEARS, MAX_YEAR, MIN_YEAR
from hosplogi.errors import HosplogiError

__all__ = ["ChinaNotice", "china_dates", "china_official_years"]


class ChinaNotice(FrozenModel):
    """One year's official holiday notice, as data: the days off and the make-up working days.

    Parameters
    ----------
    year : int
        The year the notice is for; every date must lie in it (the New Year days of a notice
        that fall in late December belong to the previous year's calendar).
    holidays : frozenset[date]
        The days off (statutory holidays and the days joined to them).
    workdays : frozenset[date]
        Weekend days worked in exchange (调休); they use a Monday's hours.
    source : str, optional
        Where the dates come from, e.g. the notice's number (国办发明电〔2026〕12号).

    Examples
    --------
    >>> notice = ChinaNotice(year=2027, holidays={date(2027, 1, 1)}, source="illustrative")
    >>> ChinaNotice.model_validate_json(notice.model_dump_json()) == notice
    True
    >>> ChinaNotice(year=2027, holidays={date(2026, 12, 31)})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for ChinaNotice
      Value error, the notice for 2027 lists dates of other years: 2026-12-31; ...
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()
    source: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ChinaNotice:
        if isinstance(self.year, bool) or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year must lie in {MIN_YEAR}–{MAX_YEAR}, got {brief(self.year)}")
        if not self.holidays:
            raise ValueError(f"the notice for {self.year} names no holidays; every notice has some")
        elsewhere = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if elsewhere:
            shown = ", ".join(d.isoformat() for d in elsewhere[:5])
            raise ValueError(
                f"the notice for {self.year} lists dates of other years: {shown}; give each "
                "year's dates in that year's notice"
            )
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(
                "dates cannot be both holidays and make-up workdays: "
                + ", ".join(d.isoformat() for d in both[:5])
            )
        return self


def china_official_years() -> tuple[int, ...]:
    """Years for which the `holidays` package transcribes China's official holiday notice.

    The package lists the State Council notices from 2001 on; a year counts as official when the
    package records its substituted days (every notice since 2001 moved some). Later years are
    only estimated by the package and are refused by
    :meth:`BusinessCalendar.china <hosplogi.calendars.BusinessCalendar.china>` unless a
    :class:`ChinaNotice` gives them.

    Examples
    --------
    >>> years = china_official_years()
    >>> years[0], 2025 in years, 2026 in years
    (2001, True, True)
    """
    from holidays.countries.china import ChinaStaticHolidays

    known = sorted(y for y in ChinaStaticHolidays.special_public_holidays if y >= 2001)
    return tuple(range(known[0], known[-1] + 1))


def _wanted_years(years: Any, available: Iterable[int]) -> list[int]:
    if years is None:
        return sorted(available)
    if isinstance(years, int) and not isinstance(years, bool):
        return [years]
    if isinstance(years, (str, bytes)) or not isinstance(years, Iterable):
        raise HosplogiError(
            f"years must be a year (int), an iterable of years or None, got {brief(years)}"
        )
    wanted = set()
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int):
            raise HosplogiError(f"years must be whole numbers such as 2026, got {brief(year)}")
        wanted.add(year)
        if len(wanted) > MAX_SPAN_YEARS:
            break  # more years than a calendar can cover: the range check below refuses them
    return sorted(wanted)


def china_dates(
    years: int | Iterable[int] | None = None, notices: Iterable[ChinaNotice | Any] = ()
) -> tuple[tuple[int, int], frozenset[date], frozenset[date]]:
    """The years covered, the days off and the make-up working days of China, notices first.

    Parameters
    ----------
    years : int or iterable of int, optional
        The years to cover (their range from first to last). Default: every year with a notice
        (in the `holidays` package or in `notices`).
    notices : iterable of ChinaNotice (or their JSON-like dicts)
        Official notices given as data; each replaces the package's dates for its year.

    Returns
    -------
    ((first, last), holidays, workdays)

    Raises
    ------
    HosplogiError
        If a year in the range has no notice, or the arguments are not years and notices.

    Examples
    --------
    >>> (first, last), days_off, worked = china_dates(2025)
    >>> (first, last), date(2025, 10, 8) in days_off, date(2025, 10, 11) in worked
    ((2025, 2025), True, True)
    """
    if isinstance(notices, (str, bytes, dict)) or not isinstance(notices, Iterable):
        raise HosplogiError(
            f"notices must be an iterable of ChinaNotice, got {brief(notices)}; wrap one in a list"
        )
    given = [n if isinstance(n, ChinaNotice) else ChinaNotice.model_validate(n) for n in notices]
    require_unique((n.year for n in given), "the years of the notices")
    noticed = {n.year: n for n in given}
    official = set(china_official_years())
    wanted = _wanted_years(years, official | set(noticed))
    if not wanted:
        raise HosplogiError("china() needs at least one year")
    first, last = wanted[0], wanted[-1]
    if not MIN_YEAR <= first <= last <= MAX_YEAR or last - first >= MAX_SPAN_YEARS:
        raise HosplogiError(
            f"years {first}–{last} are outside what a calendar covers: years {MIN_YEAR}–"
            f"{MAX_YEAR}, at most {MAX_SPAN_YEARS} of them"
        )
    missing = [y for y in range(first, last + 1) if y not in official and y not in noticed]
    if missing:
        known = sorted(official)
        raise HosplogiError(
            f"no official holiday notice for {missing[:10]} in the holiday source (holidays "
            f"{version('holidays')} knows {known[0]}–{known[-1]}); give years in that range, add "
            "the notice as data (notices=[ChinaNotice(year=..., holidays=..., workdays=...)]), "
            "or build a BusinessCalendar with your own holidays and workdays"
        )
    from holidays.countries.china import China

    package_years = [y for y in range(first, last + 1) if y not in noticed]
    closed: set[date] = set()
    extra: set[date] = set()
    if package_years:
        source = China(years=package_years)  # type: ignore[no-untyped-call]
        wanted_set = set(package_years)
        closed.update(d for d in source if d.year in wanted_set)
        extra.update(d for d in source.weekend_workdays if d.year in wanted_set)
    for year in range(first, last + 1):
        if year in noticed:
            closed |= noticed[year].holidays
            extra |= noticed[year].workdays
    return (first, last), frozenset(closed), frozenset(extra)
