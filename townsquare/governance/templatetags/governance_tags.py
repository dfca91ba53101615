"""Labels and home-page figures for the governance pages."""

from __future__ import annotations

from typing import Any

from django import template

from townsquare.councils.roles import Perm
from townsquare.governance.models import ActionStatus, Recommendation
from townsquare.governance.selectors import acknowledgements_waiting_for, policies_review_due, training_states

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    return str(dict(ActionStatus.choices).get(value, value))


@register.filter
def decision_label(value: str) -> str:
    return str(dict(Recommendation.Decision.choices).get(value, value)) if value else "—"


@register.simple_tag(takes_context=True)
def governance_figures(context: Any) -> dict[str, int]:
    """What the home page shows: reviews falling due (for those who keep the registers), and the
    person's own policies to acknowledge and training not current."""
    council, user = context.get("council"), context.get("user")
    perms = context.get("council_perms") or frozenset()
    if council is None or user is None:
        return {}
    figures = {
        "to_acknowledge": len(acknowledgements_waiting_for(user=user, council=council)),
        "my_training_due": sum(1 for s in training_states(user=user, council=council) if s.state != "current"),
    }
    if Perm.MANAGE_GOVERNANCE in perms:
        figures["reviews_due"] = len(policies_review_due(council=council))
    figures["total"] = sum(figures.values())
    return figures
