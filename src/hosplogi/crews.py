"""Technicians, their skills and certificates, and the crews they form (班组).

A hospital's repair crews are built around multi-skilled technicians — "一专多能", expert in
one trade and able in others (seeds 002:61, 000:71, 003:349). Licensed trades (electrician, boiler,
lift, fire, driving) need a valid certificate — "持证上岗" (003:347, 003:319).

Skill levels are integers from 1 (able to do the work) to 5 (expert). A technician fills at most one
requirement slot of a task: one person, one role on a job.

Examples
--------
>>> from datetime import date
>>> ann = Technician(id="T01", name="Zhang Wei", skills={"electrical": 4, "hvac": 2},
...                  certificates=(Certificate(kind="electrician", expires_on=date(2027, 6, 30)),))
>>> ann.can_fill(SkillRequirement(skill="electrical", level=3))
True
>>> ann.licensed("electrician", on=date(2027, 7, 1))
False
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Self

from pydantic import Field, model_validator

from hosplogi._types import (
    FrozenDict,
    FrozenModel,
    Identifier,
    Level,
    brief,
    require_day,
    require_unique,
)
from hosplogi.errors import HosplogiError

__all__ = [
    "CERTIFICATE_RULES",
    "Certificate",
    "Crew",
    "Employment",
    "SkillRequirement",
    "Technician",
]

CERTIFICATE_RULES: Mapping[str, str] = MappingProxyType(
    {
        "electrical": "electrician",
        "lifts": "lift",
        "boiler": "boiler",
        "fire": "fire",
        "driving": "driving",
    }
)
"""Which skills are licensed trades (持证上岗, 003:347) and the certificate kind each needs.

The one table every engine uses by default (dispatch, scheduling, the licensed-to-work rate,
simulation); each takes its own mapping as a parameter where a hospital's rules differ.
"""


class Employment(StrEnum):
    """How a technician is employed; the seeds distinguish all three (000:37, 003:389)."""

    PERMANENT = "permanent"
    """Hospital establishment staff (在编)."""
    CONTRACT = "contract"
    """Hired directly by the hospital on contract (合同制)."""
    OUTSOURCED = "outsourced"
    """Employed by an outsourcing company (外包)."""


class SkillRequirement(FrozenModel):
    """People a job needs: `count` distinct technicians with `skill` at `level` or above.

    Examples
    --------
    >>> SkillRequirement(skill="plumbing", count=2, level=2)
    SkillRequirement(skill='plumbing', count=2, level=2)
    """

    skill: Identifier
    count: int = Field(default=1, ge=1, strict=True)
    level: Level = 1


class Certificate(FrozenModel):
    """A licence to work in a regulated trade (特种作业操作证 and the like).

    `expires_on` is the last day the certificate is valid; ``None`` means it does not expire.
    `issued_on`, when given, is the first valid day.

    Examples
    --------
    >>> from datetime import date
    >>> c = Certificate(kind="lift", number="T-2291", expires_on=date(2026, 12, 31))
    >>> c.is_valid(date(2026, 12, 31)), c.is_valid(date(2027, 1, 1))
    (True, False)
    """

    kind: Identifier
    number: str | None = None
    expires_on: date | None = None
    issued_on: date | None = None

    @model_validator(mode="after")
    def _issued_before_expiry(self) -> Self:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValueError(
                f"certificate {self.kind!r} expires on {self.expires_on} before it is issued on "
                f"{self.issued_on}; expires_on must be on or after issued_on"
            )
        return self

    def is_valid(self, on: date) -> bool:
        """Return whether the certificate is in force on the day `on` (both ends inclusive).

        Raises
        ------
        HosplogiError
            If `on` is not a date (a datetime is refused too: use ``at.date()``).
        """
        require_day(on, "on")
        if self.issued_on is not None and on < self.issued_on:
            return False
        return self.expires_on is None or on <= self.expires_on


class Technician(FrozenModel):
    """One member of the logistics workforce with levelled skills and certificates.

    Parameters
    ----------
    id : str
    name : str
    skills : dict[str, int]
        Skill → level from 1 to 5.
    certificates : tuple[Certificate, ...]
    zone : str, optional
        The service zone the technician covers (区域化管理, 003:315).
    employer : str, optional
        The vendor id for outsourced staff, or the hospital.
    employment : Employment, optional

    Examples
    --------
    >>> t = Technician(id="T02", skills={"plumbing": 3, "carpentry": 1})
    >>> t.level("plumbing"), t.level("electrical")
    (3, 0)
    """

    id: Identifier
    name: str = ""
    skills: FrozenDict[Identifier, Level] = Field(default_factory=FrozenDict)
    certificates: tuple[Certificate, ...] = ()
    zone: str | None = None
    employer: str | None = None
    employment: Employment | None = None

    def level(self, skill: str) -> int:
        """Return the technician's level in `skill`, 0 when the technician lacks it."""
        return self.skills.get(skill, 0)

    def can_fill(self, requirement: SkillRequirement) -> bool:
        """Return whether the technician has the skill of `requirement` at its level or above."""
        return self.skills.get(requirement.skill, 0) >= requirement.level

    def licensed(self, kind: str, on: date) -> bool:
        """Return whether the technician holds a certificate of `kind` valid on the day `on`.

        Raises
        ------
        HosplogiError
            If `on` is not a date (a datetime is refused too: use ``at.date()``).

        Examples
        --------
        >>> from datetime import date
        >>> t = Technician(id="T03", skills={"lifts": 3},
        ...                certificates=(Certificate(kind="lift", expires_on=date(2026, 1, 31)),))
        >>> t.licensed("lift", on=date(2026, 1, 31)), t.licensed("lift", on=date(2026, 2, 1))
        (True, False)
        """
        require_day(on, "on")
        return any(c.kind == kind and c.is_valid(on) for c in self.certificates)

    def licences_alike(self, a: date, b: date) -> bool:
        """Return whether the same certificates are in force on the days `a` and `b`.

        :meth:`may_work` depends on the day only through which certificates are in force, so
        when this holds it answers alike on both days, for any requirement.

        Raises
        ------
        HosplogiError
            If `a` or `b` is not a date (a datetime is refused too: use ``at.date()``).

        Examples
        --------
        >>> from datetime import date
        >>> t = Technician(id="T05", skills={"lifts": 2},
        ...                certificates=(Certificate(kind="lift", expires_on=date(2026, 6, 30)),))
        >>> t.licences_alike(date(2026, 1, 1), date(2026, 6, 30))
        True
        >>> t.licences_alike(date(2026, 6, 30), date(2026, 7, 1))
        False
        """
        require_day(a, "a")
        require_day(b, "b")
        return all(c.is_valid(a) == c.is_valid(b) for c in self.certificates)

    def may_work(
        self,
        requirement: SkillRequirement,
        on: date,
        certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
    ) -> bool:
        """Whether the technician has the skill at the level and, for a licensed skill, a valid
        certificate on the day `on` (持证上岗).

        Raises
        ------
        HosplogiError
            If `requirement` is not a SkillRequirement, `on` is not a date (a datetime is
            refused too: use ``at.date()``), or `certificate_rules` is not a mapping.

        Examples
        --------
        >>> from datetime import date
        >>> t = Technician(id="T04", skills={"electrical": 3})
        >>> t.may_work(SkillRequirement(skill="electrical"), on=date(2026, 3, 2))
        False
        """
        if not isinstance(requirement, SkillRequirement):
            raise HosplogiError(
                f"requirement must be a SkillRequirement, got {type(requirement).__name__} "
                f"{brief(requirement)}"
            )
        require_day(on, "on")
        if certificate_rules is not CERTIFICATE_RULES and not isinstance(
            certificate_rules, Mapping
        ):
            raise HosplogiError(
                "certificate_rules must be a mapping of skill to certificate kind, got "
                f"{brief(certificate_rules)}"
            )
        if not self.can_fill(requirement):
            return False
        kind = certificate_rules.get(requirement.skill)
        return kind is None or self.licensed(kind, on)


class Crew(FrozenModel):
    """A crew (班组) of technicians with an optional leader, who must be a member.

    Examples
    --------
    >>> Crew(id="C1", name="Electrical & HVAC", members=("T01", "T02"), leader="T01").size
    2
    """

    id: Identifier
    name: str = ""
    members: tuple[Identifier, ...] = ()
    leader: Identifier | None = None
    zone: str | None = None

    @model_validator(mode="after")
    def _members_unique_and_leader_member(self) -> Self:
        require_unique(self.members, f"crew {self.id!r} members")
        if self.leader is not None and self.leader not in self.members:
            raise ValueError(
                f"crew {self.id!r} leader {self.leader!r} is not a member; "
                f"choose one of {', '.join(self.members) or '(no members)'}"
            )
        return self

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.members)
