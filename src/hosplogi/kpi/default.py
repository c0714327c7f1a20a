"""The default balanced scorecard of a hospital logistics (maintenance) department.

The public name :func:`default_scorecard` is re-exported by :mod:`hosplogi.kpi`.
"""

from __future__ import annotations

from datetime import date

from hosplogi._checks import guarded
from hosplogi.kpi.scorecard import Band, Indicator, Perspective, Rule, Scorecard

__all__ = ["default_scorecard"]


def _ind(
    code: str,
    name: str,
    name_zh: str,
    perspective: Perspective,
    unit: str,
    target: float,
    floor: float,
    source: str,
    **extra: object,
) -> Indicator:
    return Indicator.model_validate(
        {
            "code": code,
            "name": name,
            "name_zh": name_zh,
            "perspective": perspective,
            "higher_is_better": target > floor,
            "target": target,
            "floor": floor,
            "unit": unit,
            "source": source,
            **extra,
        }
    )


@guarded
def default_scorecard(*, valid_from: date | None = None, equipment: bool = False) -> Scorecard:
    """Return a default balanced scorecard for a hospital logistics (maintenance) department.

    Sixteen indicators over the four perspectives of 001:453 (version 1); with `equipment`,
    nineteen (version 2): the equipment register's (设备台账) availability of criticality-A
    equipment and MTTR in 内部管理 internal management, electricity per bed-day in 能效
    efficiency. Targets and floors are starting points for a hospital to adjust (001:469); each
    indicator's `source` names the seed line or standard it comes from, or says that the figure
    is an assumption. Indicators computed by :func:`measures` are marked in ``docs/kpi.md``.

    Parameters
    ----------
    valid_from : date, optional
        Stamped on the scorecard version.
    equipment : bool
        Whether the three equipment indicators (``availability_a``, ``mttr_hours``,
        ``energy_per_bed_day``) are included; :func:`measures` computes them from a register,
        meters and bed-days. Off by default so that every caller of the sixteen-indicator card
        keeps a complete set of values.

    Returns
    -------
    Scorecard
        Perspective weights: efficiency 0.25, service 0.30, internal 0.30, development 0.15;
        every indicator weighs 1 within its perspective. Version ``"1"``, or ``"2"`` with
        equipment.

    Examples
    --------
    >>> card = default_scorecard()
    >>> card.indicator("completion_rate").name_zh, card.indicator("completion_rate").target
    ('报修完成率', 99.0)
    >>> sorted({i.rule.value for i in card.indicators})
    ['bands', 'deduction', 'linear']
    >>> len(card.indicators), len(default_scorecard(equipment=True).indicators)
    (16, 19)
    """
    eff, svc, intl, dev = (
        Perspective.EFFICIENCY,
        Perspective.SERVICE,
        Perspective.INTERNAL,
        Perspective.DEVELOPMENT,
    )
    indicators: tuple[Indicator, ...] = (
        # 能效 efficiency
        _ind("proactive_share", "Share of orders found proactively", "主动发现问题占比",
             eff, "%", 10, 0,
             "001:387 (216 problems fixed on weekly rounds; requests fell 16.18%)"),
        _ind("cost_per_order", "Repair cost per completed order", "单均维修成本",
             eff, "CNY", 150, 400, "004:265 (repair data joined with stores data); 000:147"),
        _ind("labour_cost_per_head", "Labour cost per head (annual)", "人均人力成本",
             eff, "CNY", 40800, 59000,
             "000:31 (≈59,000 CNY in-house vs ≈40,800 outsourced per person-year)"),
        # 服务对象 service recipients
        _ind("response_on_time", "Response on-time rate", "响应及时率",
             svc, "%", 98, 80, "002:69 (首接负责制, response time limit); hosplogi.sla"),
        _ind("resolution_on_time", "Resolution on-time rate", "完成及时率",
             svc, "%", 95, 70, "004:285 (限时复命); 003:237; hosplogi.sla"),
        _ind("satisfaction", "Satisfaction of departments", "科室满意度",
             svc, "%", 98, 80,
             "000:183 (99.75% vs 97.7%); 000:75 (monthly surveys); 003:335 (70% → 90%)",
             rule=Rule.BANDS,
             bands=(Band(at=95, score=80), Band(at=90, score=60), Band(at=85, score=40))),
        _ind("complaints_per_1000", "Substantiated complaints per 1,000 orders",
             "每千单有效投诉数", svc, "per 1,000", 0, 5,
             "000:75(6) (complaints taken by the service centre)",
             rule=Rule.DEDUCTION, points=25),
        # 内部管理 internal management
        _ind("completion_rate", "Completion rate", "报修完成率",
             intl, "%", 99, 90, "001:385 (3772 of 3802 completed on the spot, 99.21%)"),
        _ind("first_pass_rate", "First-time acceptance rate", "一次验收合格率",
             intl, "%", 98, 85, "004:257 (completion → feedback → follow-up); 002:69"),
        _ind("repeat_repair_rate", "Repeat repairs on the same asset within 30 days",
             "30天同一设备重复报修率", intl, "%", 2, 10,
             "004:107, 004:489 (equipment ledger, per-unit files); common FM practice"),
        _ind("pm_compliance", "Preventive-maintenance compliance", "预防性维护按时完成率",
             intl, "%", 98, 80, "001:397–409 (scheduled maintenance); 003:215"),
        _ind("inspection_pass_rate", "Inspection pass rate", "检查合格率",
             intl, "%", 95, 75, "000:75 (weekly/monthly checklists); 003:311"),
        _ind("rectification_on_time", "Rectifications closed on time", "整改按期完成率",
             intl, "%", 100, 80, "000:75(3) (on-site correction, re-check); 003:221"),
        # 发展 development
        _ind("licensed_rate", "Licensed-to-work rate", "持证上岗率",
             dev, "%", 100, 80, "003:289 (unlicensed staff a problem); 003:319 (100%); 003:347"),
        _ind("training_hours_per_head", "Training hours per head", "人均培训学时",
             dev, "h", 40, 8, "003:317–319 (three-level training plans); 000:165"),
        _ind("multi_skill_index", "Multi-skill index (mean skills per technician)",
             "一专多能指数", dev, "skills", 3, 1, "002:61; 000:71; 003:349 (一专多能)"),
    )  # fmt: skip
    if equipment:
        indicators += _equipment_indicators()
    return Scorecard(
        name="hospital logistics balanced scorecard (hosplogi default)",
        indicators=indicators,
        perspective_weights={eff: 0.25, svc: 0.30, intl: 0.30, dev: 0.15},
        valid_from=valid_from,
        version="2" if equipment else "1",
    )


def _equipment_indicators() -> tuple[Indicator, ...]:
    """The register's indicators (issue 15); targets and floors are assumptions, stated so.

    Availability and MTTR are technical indicators of how maintenance is run (EN 15341 groups
    them apart from the economic ones), next to PM compliance and repeat repairs in 内部管理;
    energy per bed-day is resource use, so 能效 (efficiency in place of finance, 001:453).
    """
    eff, intl = Perspective.EFFICIENCY, Perspective.INTERNAL
    return (
        _ind("energy_per_bed_day", "Electricity per occupied bed-day", "床日耗电量",
             eff, "kWh", 50, 100,
             "001:103, 004:145, 004:263 (节能降耗; yearly power bills summarised); per bed-day "
             "as common practice (DOMAIN.md); target and floor: assumption (a large general "
             "hospital uses some 50–100 kWh per bed-day), set from the hospital's own bills"),
        _ind("availability_a", "Availability of criticality-A equipment", "A类关键设备可用率",
             intl, "%", 99.5, 97,
             "001:413 (medical-device repairs first); EN 15341 (availability = operating ÷ "
             "(operating + downtime)); target and floor: assumption (life-critical equipment "
             "down at most some 3.6 h a month at target, 22 h at the floor)"),
        _ind("mttr_hours", "Mean time to repair (equipment)", "设备平均修复时间",
             intl, "h", 4, 24,
             "SMRP 3.5.2 (MTTR = repair time ÷ repair events); 003:237 (every service has a "
             "time requirement); target and floor: assumption (back in service within a "
             "4-hour resolution target; a day is the floor)"),
    )  # fmt: skip
