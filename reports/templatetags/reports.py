"""``{% project_charts project %}``: the project page's pictures for members, from one include."""
from __future__ import annotations

from typing import Any

from django import template

from projects import permissions
from reports import selectors
from reports.charts import chart_context

register = template.Library()


@register.inclusion_tag("reports/project_charts.html", takes_context=True)
def project_charts(context: dict[str, Any], project: Any) -> dict[str, Any]:
    user = context["request"].user
    if not permissions.can_view_project_charts(user, project):
        return {"hidden": True}
    charts = selectors.project_charts(project)
    return {
        "project": project, "hidden": False,
        "can_view_report": permissions.can_view_report(user, project),
        **chart_context(charts.mobilities, charts.months, charts.deadlines_ahead, charts.today),
    }
