"""The one bipartite matching of people to requirement slots (Kuhn's augmenting paths).

Every engine that staffs a job with distinct people uses this: the scheduler's decoder (over
integer technician indices, where a graph library would cost more than the whole placement), the
check that a task can be staffed at all, and :func:`team_for` for one job right now (the
simulation's first-come policies).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from hosplogi._checks import guarded
from hosplogi.crews import CERTIFICATE_RULES, SkillRequirement, Technician

__all__ = ["augment", "match", "team_for", "unfillable_slot"]


_RECURSION_SAFE = 200
"""Up to this many slots :func:`augment` recurses (a path visits a slot at most once)."""


def augment(
    s: int,
    slots: Sequence[Sequence[int]],
    free: Collection[int],
    owner: dict[int, int],
) -> bool:
    """Fill slot `s` by an augmenting path, updating `owner` (candidate → slot) in place.

    Returns False, and leaves `owner` as it was, when no free candidate can be found for `s`
    even by moving other slots to their alternatives. Candidates are tried in the order listed.
    Kuhn's depth-first search: recursive for up to 200 slots (the scheduler's hot loop, where
    it is 2-3 times faster), with an explicit stack beyond, so that paths through thousands of
    slots (a large dispatch) need no deep recursion; both visit candidates in the same order.

    Examples
    --------
    >>> owner = {0: 0}
    >>> augment(1, [[0, 1], [0]], {0, 1}, owner), owner
    (True, {0: 1, 1: 0})
    """
    if len(slots) <= _RECURSION_SAFE:
        return _augment_recursive(s, slots, free, owner, set())
    return _augment_iterative(s, slots, free, owner)


def _augment_recursive(
    s: int,
    slots: Sequence[Sequence[int]],
    free: Collection[int],
    owner: dict[int, int],
    seen: set[int],
) -> bool:
    for k in slots[s]:
        if k in free and k not in seen:
            seen.add(k)
            o = owner.get(k)
            if o is None or _augment_recursive(o, slots, free, owner, seen):
                owner[k] = s
                return True
    return False


def _augment_iterative(
    s: int,
    slots: Sequence[Sequence[int]],
    free: Collection[int],
    owner: dict[int, int],
) -> bool:
    seen: set[int] = set()
    stack = [(s, iter(slots[s]))]
    through: list[int] = []  # the candidate taken at each level of the path
    while stack:
        slot, candidates = stack[-1]
        for k in candidates:
            if k in free and k not in seen:
                seen.add(k)
                o = owner.get(k)
                if o is None:
                    owner[k] = slot
                    for (level_slot, _), kk in zip(stack, through, strict=False):
                        owner[kk] = level_slot
                    return True
                through.append(k)
                stack.append((o, iter(slots[o])))
                break
        else:
            stack.pop()
            if through:
                through.pop()
    return False


def _owners(
    slots: Sequence[Sequence[int]], free: Collection[int], order: Sequence[int]
) -> tuple[dict[int, int], int | None]:
    """Candidate → slot for the slots taken in `order`, and the first slot left empty (or None)."""
    owner: dict[int, int] = {}
    for s in order:
        if not augment(s, slots, free, owner):
            return owner, s
    return owner, None


def match(slots: Sequence[Sequence[int]], free: Collection[int]) -> list[int] | None:
    """Fill every slot with a distinct free candidate, or return None.

    Slots are tried in order and each slot's candidates in order, so the result prefers the
    candidates listed first (the scheduler lists specialists first).

    Examples
    --------
    >>> match([[0, 1], [0]], free={0, 1})
    [1, 0]
    >>> match([[0], [0]], free={0, 1}) is None
    True
    """
    owner, empty = _owners(slots, free, range(len(slots)))
    if empty is not None:
        return None
    team = [0] * len(slots)
    for k, s in owner.items():
        team[s] = k
    return team


def unfillable_slot(slots: Sequence[Sequence[int]], free: Collection[int]) -> int | None:
    """The first slot a maximum matching leaves empty, or None when every slot can be filled.

    Examples
    --------
    >>> unfillable_slot([[0], [0], [1]], free={0, 1})
    1
    """
    return _owners(slots, free, range(len(slots)))[1]


@guarded
def team_for(
    requirements: Sequence[SkillRequirement],
    candidates: Sequence[Technician],
    *,
    on: date,
    certificate_rules: Mapping[str, str] = CERTIFICATE_RULES,
) -> tuple[str, ...] | None:
    """A team of distinct people filling every slot of `requirements`, or None if none exists.

    Who may fill a slot is :meth:`Technician.may_work` on the day `on`. Slots with the fewest able
    candidates are filled first and earlier candidates are preferred, so a greedy dead end is
    undone by an augmenting path rather than reported as a failure.

    Returns
    -------
    tuple of str or None
        Technician ids, one per slot in the order of `requirements` (a requirement of count
        ``n`` gives ``n`` consecutive slots).

    Examples
    --------
    >>> from datetime import date
    >>> staff = [Technician(id="A", skills={"plumbing": 2, "hvac": 2}),
    ...          Technician(id="B", skills={"plumbing": 1})]
    >>> team_for([SkillRequirement(skill="hvac"), SkillRequirement(skill="plumbing")], staff,
    ...          on=date(2026, 3, 2))
    ('A', 'B')
    """
    wanted = [r for r in requirements for _ in range(r.count)]
    if len(wanted) > len(candidates):
        return None
    if len(wanted) == 1:  # one slot: the earliest candidate who may, without the matching
        first = next((t for t in candidates if t.may_work(wanted[0], on, certificate_rules)), None)
        return None if first is None else (first.id,)
    able = [
        [i for i, t in enumerate(candidates) if t.may_work(r, on, certificate_rules)]
        for r in wanted
    ]
    order = sorted(range(len(wanted)), key=lambda s: len(able[s]))
    owner, empty = _owners(able, range(len(candidates)), order)
    if empty is not None:
        return None
    by_slot = sorted(owner.items(), key=lambda item: item[1])
    return tuple(candidates[c].id for c, _ in by_slot)
