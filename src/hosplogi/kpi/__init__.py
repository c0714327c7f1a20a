"""KPI assessment with a balanced scorecard adapted to hospital logistics (绩效考核).

Seed 001:449–481 asks for KPI assessment with a balanced scorecard whose four perspectives are
adapted to hospital logistics — 能效 efficiency (in place of finance), 服务对象 service recipients,
内部管理 internal management, 发展 development (001:453) — with quantified, explicit indicators that
can be adjusted over time (001:469), an RBRVS-like "pay by work" measure (001:457) and a feedback
loop 考核—反馈—改进—考核 (001:481). This module provides:

- indicators and scorecards as JSON data (:class:`Indicator`, :class:`Scorecard`) scored by
  :func:`score` / :func:`score_many`, with three scoring rules (linear, step bands, deduction
  扣分制), grade bands and the weakest perspective (the short board of 002:23);
- weights by AHP (:func:`ahp`, :func:`ahp_hierarchy`, :func:`ahp_scorecard`) or entropy
  (:func:`entropy_weights`);
- a default scorecard (:func:`default_scorecard`) whose operational indicators are computed from
  work orders by :func:`measures` — two calls from raw orders to a graded card;
- comparisons over time (:func:`trend`, :func:`rate_change`);
- pay by work (:func:`workload_points`, :func:`allocate`, :func:`maintenance_fund`).

Examples
--------
>>> card = Scorecard(name="crew", indicators=(
...     Indicator(code="on_time", name="Response on time", perspective="service",
...               target=98, floor=80),
...     Indicator(code="cost", name="Cost per order", perspective="efficiency",
...               higher_is_better=False, target=150, floor=400)),
...     perspective_weights={"service": 0.6, "efficiency": 0.4})
>>> r = score(card, {"on_time": 89, "cost": 150})
>>> r.total, r.grade, r.weakest
(70.0, '合格', <Perspective.SERVICE: 'service'>)
"""

from hosplogi.kpi.compare import Trend, rate_change, trend
from hosplogi.kpi.default import default_scorecard
from hosplogi.kpi.measures import measures
from hosplogi.kpi.pay import (
    FundAsset,
    MaintenanceFund,
    RelativeValue,
    WorkloadTable,
    allocate,
    fund_value,
    maintenance_fund,
    workload_points,
)
from hosplogi.kpi.scorecard import (
    DEFAULT_GRADES,
    Band,
    Grade,
    Indicator,
    Perspective,
    Rule,
    Scorecard,
    ScorecardResult,
    score,
    score_many,
)
from hosplogi.kpi.weights import (
    SAATY_RI,
    AhpHierarchy,
    AhpResult,
    ahp,
    ahp_hierarchy,
    ahp_scorecard,
    entropy_weights,
)

__all__ = [
    "DEFAULT_GRADES",
    "SAATY_RI",
    "AhpHierarchy",
    "AhpResult",
    "Band",
    "FundAsset",
    "Grade",
    "Indicator",
    "MaintenanceFund",
    "Perspective",
    "RelativeValue",
    "Rule",
    "Scorecard",
    "ScorecardResult",
    "Trend",
    "WorkloadTable",
    "ahp",
    "ahp_hierarchy",
    "ahp_scorecard",
    "allocate",
    "default_scorecard",
    "entropy_weights",
    "fund_value",
    "maintenance_fund",
    "measures",
    "rate_change",
    "score",
    "score_many",
    "trend",
    "workload_points",
]
