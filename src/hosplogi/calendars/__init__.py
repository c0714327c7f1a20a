"""Business calendars: opening hours, holidays and make-up working days (调休).

:class:`BusinessCalendar` lives in :mod:`hosplogi.calendars.calendar`, China's holiday notices
(:class:`ChinaNotice`, :func:`china_official_years`) in :mod:`hosplogi.calendars.china`; the
interval arrays behind the arithmetic (:class:`CalendarTimeline`, :class:`IntervalArrays`) in
the private ``_timeline`` module.
"""

from hosplogi.calendars.calendar import BusinessCalendar, CalendarTimeline, IntervalArrays
from hosplogi.calendars.china import ChinaNotice, china_official_years

__all__ = [
    "BusinessCalendar",
    "CalendarTimeline",
    "ChinaNotice",
    "IntervalArrays",
    "china_official_years",
]
