"""Monthly cost estimate of a Pulumi program from its offline preview's resource graph."""

from tools.cost.assumptions import Assumptions, AssumptionsError, load_assumptions
from tools.cost.estimate import Estimate, estimate_program, estimate_run
from tools.cost.model import LineItem

__all__ = [
    "Assumptions",
    "AssumptionsError",
    "Estimate",
    "LineItem",
    "estimate_program",
    "estimate_run",
    "load_assumptions",
]
