"""The equipment register (设备台账): assets and their location/system hierarchy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any, Self

from pydantic import model_validator

from hosplogi._types import FrozenModel, Identifier, Money, brief, require_unique
from hosplogi.errors import HosplogiError

__all__ = ["LOCATION_CATEGORIES", "Asset", "AssetRegister", "Criticality"]

LOCATION_CATEGORIES: frozenset[str] = frozenset({"site", "building", "floor", "room"})
"""Categories of the location levels of the hierarchy (site → building → floor → room).

Assets of these categories are places, not equipment: reliability leaves them out unless asked.
"""


class Criticality(StrEnum):
    """How much depends on an asset working.

    ``A`` is life-critical: medical devices, ICU power, medical gases, lifts carrying patients —
    their repairs come first (001:413). ``B`` disrupts services; ``C`` is everything else.
    """

    A = "A"
    B = "B"
    C = "C"


class Asset(FrozenModel):
    """One line of the equipment register (设备台账, 004:107, 004:489), or one level above it.

    Parameters
    ----------
    id : str
    name : str
    category : str
        What it is: ``"site"``, ``"building"``, ``"floor"``, ``"room"`` for places (see
        :data:`LOCATION_CATEGORIES`), or the kind of equipment (``"lift"``, ``"chiller"``,
        ``"autoclave"`` …).
    parent : str, optional
        The id of the asset above it (site → building → floor → room/system → equipment).
    department : str, optional
        The cost centre that owns it.
    criticality : Criticality
        Default ``C``.
    purchase_value, replacement_value : Decimal, optional
        Money to the cent, zero or more (floats refused).
    commissioned_on, warranty_until, retired_on : date, optional
        In service from `commissioned_on` until the day before `retired_on`; `warranty_until` is
        the last day of the warranty.
    self_repairable : bool
        Whether the hospital's own engineers can repair it (the maintenance fund, 000:247).

    Examples
    --------
    >>> from datetime import date
    >>> lift = Asset(id="LIFT-3", name="Ward lift 3", category="lift", parent="B1",
    ...              criticality="A", commissioned_on=date(2012, 5, 1))
    >>> lift.criticality, lift.in_service(date(2026, 3, 2))
    (<Criticality.A: 'A'>, True)
    """

    id: Identifier
    name: str
    category: Identifier
    parent: Identifier | None = None
    department: str | None = None
    criticality: Criticality = Criticality.C
    purchase_value: Money | None = None
    replacement_value: Money | None = None
    commissioned_on: date | None = None
    warranty_until: date | None = None
    retired_on: date | None = None
    self_repairable: bool = True

    @model_validator(mode="after")
    def _check(self) -> Self:
        for name in ("purchase_value", "replacement_value"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"asset {self.id}: {name} must be zero or more, got {value}")
        if self.parent == self.id:
            raise ValueError(f"asset {self.id} cannot be its own parent")
        if (
            self.commissioned_on is not None
            and self.retired_on is not None
            and self.retired_on < self.commissioned_on
        ):
            raise ValueError(
                f"asset {self.id}: retired_on {self.retired_on} is before commissioned_on "
                f"{self.commissioned_on}"
            )
        return self

    def in_service(self, on: date) -> bool:
        """Whether the asset is in service on `on` (commissioned, not yet retired).

        Examples
        --------
        >>> from datetime import date
        >>> Asset(id="X", name="x", category="pump", retired_on=date(2026, 1, 1)).in_service(
        ...     date(2026, 1, 1))
        False
        """
        started = self.commissioned_on is None or self.commissioned_on <= on
        return started and (self.retired_on is None or on < self.retired_on)

    def fund_eligible(self, on: date) -> bool:
        """Whether it counts for the maintenance fund on `on` (000:247).

        Self-repairable and out of warranty (no warranty date counts as expired), as
        ``hosplogi.kpi.FundAsset.eligible``.

        Examples
        --------
        >>> from datetime import date
        >>> Asset(id="X", name="x", category="pump", warranty_until=date(2026, 6, 30)
        ...       ).fund_eligible(date(2026, 3, 2))
        False
        """
        expired = self.warranty_until is None or self.warranty_until < on
        return self.self_repairable and expired


class AssetRegister(FrozenModel):
    """The equipment register: assets linked by `parent` into a forest of location trees.

    Build it as ``AssetRegister(assets)``. It refuses duplicate ids, parents that are not in the
    register and cycles, naming them; validation is linear in the number of assets.

    Parameters
    ----------
    assets : tuple of Asset
        In any order; kept as given.

    Notes
    -----
    `path` takes O(depth), `children` O(1) after a linear index built on first use,
    `descendants` O(size of the subtree). The index is a cache: not serialised, not compared.

    Examples
    --------
    >>> register = AssetRegister([
    ...     Asset(id="H", name="Hospital", category="site"),
    ...     Asset(id="B1", name="Ward block", category="building", parent="H"),
    ...     Asset(id="LIFT-3", name="Ward lift 3", category="lift", parent="B1"),
    ... ])
    >>> register.path("LIFT-3"), register.children("H"), register.descendants("H")
    (('H', 'B1', 'LIFT-3'), ('B1',), ('B1', 'LIFT-3'))
    >>> AssetRegister.model_validate_json(register.model_dump_json()) == register
    True
    """

    assets: tuple[Asset, ...] = ()

    def __init__(self, /, *args: Any, **data: Any) -> None:
        if len(args) > 1:
            raise HosplogiError(
                f"AssetRegister takes one positional argument (assets), got {len(args)}"
            )
        if args:
            if "assets" in data:
                raise HosplogiError("AssetRegister got assets both by position and by name")
            data["assets"] = tuple(args[0]) if isinstance(args[0], Iterable) else args[0]
        super().__init__(**data)

    @model_validator(mode="after")
    def _check(self) -> Self:
        require_unique((a.id for a in self.assets), "asset ids")
        ids = {a.id for a in self.assets}
        unknown = [f"{a.id} → {a.parent}" for a in self.assets if a.parent and a.parent not in ids]
        if unknown:
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise ValueError(
                f"parents not in the register: {', '.join(unknown[:5])}{more}; add the parent "
                "assets or set parent=None"
            )
        cycle = _find_cycle(self.assets)
        if cycle:
            raise ValueError(
                f"the hierarchy has a cycle: {' → '.join(cycle)}; parent links must lead to a root"
            )
        return self

    @cached_property
    def _by_id(self) -> dict[str, Asset]:
        return {a.id: a for a in self.assets}

    @cached_property
    def _children(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for a in self.assets:
            if a.parent is not None:
                found.setdefault(a.parent, []).append(a.id)
        return {k: tuple(v) for k, v in found.items()}

    def __contains__(self, asset_id: object) -> bool:
        return isinstance(asset_id, str) and asset_id in self._by_id

    def __len__(self) -> int:
        return len(self.assets)

    def asset(self, asset_id: str) -> Asset:
        """The asset with id `asset_id`.

        Raises
        ------
        HosplogiError
            If the register has no such asset.

        Examples
        --------
        >>> AssetRegister([Asset(id="P1", name="Pump", category="pump")]).asset("P1").name
        'Pump'
        """
        found = self._by_id.get(asset_id) if isinstance(asset_id, str) else None
        if found is None:
            raise HosplogiError(
                f"asset {brief(asset_id)} is not in the register ({len(self.assets)} assets)"
            )
        return found

    def path(self, asset_id: str) -> tuple[str, ...]:
        """Ids from the root down to `asset_id`, ending with it.

        Examples
        --------
        >>> r = AssetRegister([Asset(id="H", name="h", category="site"),
        ...                    Asset(id="AHU", name="a", category="ahu", parent="H")])
        >>> r.path("AHU")
        ('H', 'AHU')
        """
        out = [asset_id]
        parent = self.asset(asset_id).parent
        while parent is not None:
            out.append(parent)
            parent = self._by_id[parent].parent
        return tuple(reversed(out))

    def children(self, asset_id: str) -> tuple[str, ...]:
        """Ids of the assets directly below `asset_id`, in register order.

        Examples
        --------
        >>> AssetRegister([Asset(id="H", name="h", category="site")]).children("H")
        ()
        """
        self.asset(asset_id)
        return self._children.get(asset_id, ())

    def descendants(self, asset_id: str) -> tuple[str, ...]:
        """Ids of every asset below `asset_id`, depth first, in register order.

        Examples
        --------
        >>> r = AssetRegister([Asset(id="H", name="h", category="site"),
        ...     Asset(id="F1", name="f", category="floor", parent="H"),
        ...     Asset(id="R1", name="r", category="room", parent="F1")])
        >>> r.descendants("H")
        ('F1', 'R1')
        """
        self.asset(asset_id)
        out: list[str] = []
        stack = list(reversed(self._children.get(asset_id, ())))
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return tuple(out)

    def ancestor(self, asset_id: str, category: str) -> str | None:
        """The nearest asset of `category` on the path to `asset_id` (itself included), or None.

        Examples
        --------
        >>> r = AssetRegister([Asset(id="B1", name="b", category="building"),
        ...                    Asset(id="CH-1", name="c", category="chiller", parent="B1")])
        >>> r.ancestor("CH-1", "building")
        'B1'
        """
        current: str | None = asset_id
        self.asset(asset_id)
        while current is not None:
            found = self._by_id[current]
            if found.category == category:
                return current
            current = found.parent
        return None

    def department_of(self, asset_id: str) -> str | None:
        """The asset's department, else the nearest ancestor's, else None.

        Examples
        --------
        >>> r = AssetRegister([Asset(id="W3", name="w", category="room", department="Ward 3"),
        ...                    Asset(id="M1", name="m", category="meter_box", parent="W3")])
        >>> r.department_of("M1")
        'Ward 3'
        """
        current: str | None = asset_id
        self.asset(asset_id)
        while current is not None:
            found = self._by_id[current]
            if found.department is not None:
                return found.department
            current = found.parent
        return None


def _find_cycle(assets: tuple[Asset, ...]) -> list[str]:
    """A cycle of parent links as ids (first id repeated at the end), or [] — linear time."""
    parent = {a.id: a.parent for a in assets}
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = leads to a root
    for a in assets:
        walk: list[str] = []
        current: str | None = a.id
        while current is not None and current not in state:
            state[current] = 1
            walk.append(current)
            current = parent[current]
        if current is not None and state[current] == 1:
            loop = walk[walk.index(current) :]
            return [*loop, current]
        for seen in walk:
            state[seen] = 2
    return []
