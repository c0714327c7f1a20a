"""Hypothesis strategies for scheduling problems, valid (staffable, acyclic) by construction."""

from __future__ import annotations

from hypothesis import strategies as st

from hosplogi import SkillRequirement, Technician
from hosplogi.scheduling import Problem, Task

SKILLS = ("electrical", "plumbing", "hvac")
PLACES = ("Boiler house", "Ward 7", "ICU", "OR 4")


@st.composite
def technician_lists(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 5) -> list[Technician]:
    """Technicians T0, T1, … each with one to three skills at levels 1–3."""
    n = draw(st.integers(min_size, max_size))
    return [
        Technician(
            id=f"T{k}",
            skills=draw(
                st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), min_size=1, max_size=3)
            ),
        )
        for k in range(n)
    ]


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    max_tasks: int = 7,
    max_techs: int = 5,
    windows: bool | None = None,
    max_duration: int = 20,
    travel: bool = False,
) -> Problem:
    """A problem whose every task has a witness team, predecessors among earlier tasks, and
    (optionally) shifts with gaps followed by a final window long enough for any serial plan.

    With `travel`, tasks get one of a few locations (or none) and the problem a travel matrix
    (any non-negative minutes, not necessarily symmetric or metric) and a default."""
    techs = draw(technician_lists(max_size=max_techs))
    n = draw(st.integers(0, max_tasks))
    tasks = []
    for j in range(n):
        team = draw(
            st.lists(st.sampled_from(techs), min_size=0, max_size=3, unique_by=lambda t: t.id)
        )
        need: dict[str, list[int]] = {}
        for member in team:
            skill = draw(st.sampled_from(sorted(member.skills)))
            need.setdefault(skill, []).append(draw(st.integers(1, member.skills[skill])))
        requirements = tuple(
            SkillRequirement(skill=s, count=len(levels), level=min(levels))
            for s, levels in sorted(need.items())
        )
        preds = (
            draw(st.lists(st.sampled_from([f"J{i}" for i in range(j)]), unique=True, max_size=2))
            if j
            else []
        )
        tasks.append(
            Task(
                id=f"J{j}",
                duration=draw(st.integers(0, max_duration)),
                requirements=requirements,
                release=draw(st.integers(0, 30)),
                due=draw(st.none() | st.integers(-5, 80)),
                weight=draw(st.sampled_from((0.0, 1.0, 2.5, 4.0))),
                predecessors=tuple(preds),
                location=draw(st.none() | st.sampled_from(PLACES)) if travel else None,
            )
        )
    matrix = None
    default = 0
    if travel:
        matrix = {
            a: {b: draw(st.integers(0, 15)) for b in PLACES if b != a and draw(st.booleans())}
            for a in PLACES
        }
        default = draw(st.integers(0, 10))
    use_windows = draw(st.booleans()) if windows is None else windows
    availability = None
    if use_windows:
        last = 30 + sum(t.duration for t in tasks) + (16 * len(tasks) if travel else 0)
        availability = {}
        for t in techs:
            if draw(st.booleans()):
                a = draw(st.integers(0, 20))
                b = draw(st.integers(a, a + 25))
                start = draw(st.integers(b, b + 10))
                availability[t.id] = ((a, b), (start, 100 + last))
    return Problem(
        tasks=tuple(tasks),
        technicians=tuple(techs),
        availability=availability,
        travel=matrix,
        default_travel=default,
    )
