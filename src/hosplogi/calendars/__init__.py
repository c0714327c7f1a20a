"""Business calendars: opening hours, holidays and make-up working days (调休).

:class:`BusinessCalendar` and :func:`china_official_years` live in
:mod:`hosplogi.calendars.calendar`; the interval arrays behind the arithmetic
(:class:`CalendarTimeline`, :class:`IntervalArrays`) in the private ``_timeline`` module.
"""

from hosplogi.calendars.calendar import (
    BusinessCalendar,
    CalendarTimeline,
    IntervalArrays,
    china_official_years,
)

__all__ = ["BusinessCalendar", "CalendarTimeline", "IntervalArrays", "china_official_years"]
