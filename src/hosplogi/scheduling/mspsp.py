"""Reading the public MSPSP benchmark instances (DataZinc ``.dzn``) as scheduling problems."""

from __future__ import annotations

import re
from pathlib import Path

from hosplogi._checks import guarded
from hosplogi.crews import SkillRequirement, Technician
from hosplogi.errors import HosplogiError
from hosplogi.scheduling.models import Problem, Task

__all__ = ["load_mspsp"]


_DZN_ASSIGN = re.compile(
    r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?);", re.MULTILINE | re.DOTALL
)


def _dzn_values(text: str) -> dict[str, str]:
    text = re.sub(r"%[^\n]*", "", text)
    return {m.group(1): m.group(2) for m in _DZN_ASSIGN.finditer(text)}


def _dzn_list(raw: str, name: str) -> list[str]:
    body = raw.strip().strip("[]").replace("|", ",")
    items = [x.strip() for x in body.split(",") if x.strip()]
    if not items and raw.strip() not in ("[]", "[||]", "[| |]"):
        raise HosplogiError(f"cannot read the list {name!r} from the MSPSP file: {raw[:60]!r}")
    return items


@guarded
def load_mspsp(path: str | Path) -> Problem:
    """Read an MSPSP benchmark instance (DataZinc ``.dzn``) as a :class:`Problem`.

    Activities become tasks ``"a2"``, ``"a3"``, … (the dummy start and end activities are left
    out; their precedences only bound the others), durations in minutes; resources become
    technicians ``"r1"``, … with the skills they master (``"s1"``, …) at level 1; ``sreq[a, s] = n``
    becomes ``SkillRequirement(skill="s<s>", count=n)``. The makespan of a schedule of the problem
    equals the end of the instance's dummy end activity.

    Parameters
    ----------
    path : str or Path
        A file of the MSPSP instance library (Young, Feydy and Schutt 2017).

    Returns
    -------
    Problem

    Raises
    ------
    HosplogiError
        If a required field is missing or malformed.

    Examples
    --------
    >>> import tempfile, os
    >>> text = '''nActs = 4; dur = [0,3,2,0]; nSkills = 2;
    ... sreq = [| 0,0, | 1,0, | 0,2, | 0,0, |]; nResources = 2;
    ... mastery = [| true,true, | false,true, |];
    ... nPrecs = 4; pred = [1,1,2,3]; succ = [2,3,4,4];'''
    >>> with tempfile.NamedTemporaryFile("w", suffix=".dzn", delete=False) as f:
    ...     _ = f.write(text)
    >>> p = load_mspsp(f.name); os.unlink(f.name)
    >>> [(t.id, t.duration, [(r.skill, r.count) for r in t.requirements]) for t in p.tasks]
    [('a2', 3, [('s1', 1)]), ('a3', 2, [('s2', 2)])]
    >>> from hosplogi.scheduling import solve
    >>> solve(p, objective="makespan", iterations=10).makespan
    5
    """
    text = Path(path).read_text(encoding="utf-8")
    values = _dzn_values(text)
    for key in ("nActs", "dur", "nSkills", "sreq", "nResources", "mastery", "pred", "succ"):
        if key not in values:
            raise HosplogiError(f"{path}: the MSPSP field {key!r} is missing")
    n_acts = int(values["nActs"])
    n_skills = int(values["nSkills"])
    n_res = int(values["nResources"])
    dur = [int(x) for x in _dzn_list(values["dur"], "dur")]
    sreq = [int(x) for x in _dzn_list(values["sreq"], "sreq")]
    mastery = [x == "true" for x in _dzn_list(values["mastery"], "mastery")]
    pred = [int(x) for x in _dzn_list(values["pred"], "pred")]
    succ = [int(x) for x in _dzn_list(values["succ"], "succ")]
    if (
        len(dur) != n_acts
        or len(sreq) != n_acts * n_skills
        or len(mastery) != n_res * n_skills
        or len(pred) != len(succ)
    ):
        raise HosplogiError(
            f"{path}: the sizes of dur ({len(dur)}), sreq ({len(sreq)}), mastery ({len(mastery)}) "
            f"or pred/succ ({len(pred)}/{len(succ)}) do not match nActs={n_acts}, "
            f"nSkills={n_skills}, nResources={n_res}"
        )
    real = range(2, n_acts)  # 1-based; 1 and n_acts are the dummies
    predecessors: dict[int, list[int]] = {a: [] for a in real}
    for p, s in zip(pred, succ, strict=True):
        if p in predecessors and s in predecessors:
            predecessors[s].append(p)
    tasks = tuple(
        Task(
            id=f"a{a}",
            duration=dur[a - 1],
            requirements=tuple(
                SkillRequirement(skill=f"s{s + 1}", count=sreq[(a - 1) * n_skills + s])
                for s in range(n_skills)
                if sreq[(a - 1) * n_skills + s] > 0
            ),
            predecessors=tuple(f"a{p}" for p in sorted(set(predecessors[a]))),
        )
        for a in real
    )
    technicians = tuple(
        Technician(
            id=f"r{r + 1}",
            skills={f"s{s + 1}": 1 for s in range(n_skills) if mastery[r * n_skills + s]},
        )
        for r in range(n_res)
    )
    return Problem(tasks=tasks, technicians=technicians)
