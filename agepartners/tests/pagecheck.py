"""The portal's pages as a checklist, and the three checks run over them.

axe-core (accessibility, WCAG 2.1 A/AA) and the Nu HTML Checker come from npm into
node_modules/ (``scripts/ensure_test_services.sh`` installs them, as it does Chromium).
The list of pages is built from the database (one of each kind the user may see), so a
new page kind needs one line here to be checked.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def main_pages(user: Any, lang: str = "en") -> list[str]:
    """Every page a member reaches from the navigation, one of each kind, that ``user`` may see."""
    from communication.models import Document, Thread
    from meetings.models import Meeting
    from news.models import Article
    from projects import permissions
    from projects.models import Project
    from workgroups.models import Task, WorkGroup

    projects = Project.objects.filter(memberships__user=user).distinct().order_by("pk")
    project = projects.first()
    assert project is not None, f"{user} is a member of no project"
    coordinator = permissions.is_coordinator(user, project)

    def url(name: str, *args: Any) -> str:
        with translation.override(lang):
            return reverse(name, args=args)

    pages = [
        url("home"), url("dashboard"), url("profile"), url("project", project.slug),
        url("partner_directory", project.slug), url("accounts:index"),
        url("meetings:list"), url("meetings:calendar"),
        url("workgroups:my_tasks"), url("workgroups:project_groups", project.slug),
        url("communication:index"), url("communication:notification_settings"),
        url("communication:project", project.slug), url("communication:thread_create", project.slug),
        url("communication:documents", project.slug), url("communication:document_create", project.slug),
        url("communication:activity", project.slug),
        url("news:list"), url("news:search") + "?q=partner",
    ]
    meeting = Meeting.objects.filter(project=project).order_by("starts_at").first()
    if meeting:
        pages.append(url("meetings:detail", meeting.pk))
        if coordinator:
            pages.append(url("meetings:attendance", meeting.pk))
    if coordinator:
        pages.append(url("meetings:mobility", project.slug))
    group = WorkGroup.objects.filter(project=project).order_by("pk").first()
    if group:
        pages.append(url("workgroups:group", group.pk))
        if coordinator or WorkGroup.objects.filter(pk=group.pk, members=user).exists():
            pages.append(url("workgroups:task_create", group.pk))
    task = Task.objects.filter(work_group__project=project).order_by("pk").first()
    if task:
        pages.append(url("workgroups:task", task.pk))
        if coordinator:
            pages.append(url("workgroups:task_edit", task.pk))
    thread = Thread.objects.filter(project=project).order_by("pk").first()
    if thread:
        pages.append(url("communication:thread", thread.pk))
    document = Document.objects.filter(project=project).order_by("pk").first()
    if document:
        pages.append(url("communication:document", document.pk))
    article = Article.objects.filter(project=project, status="published").order_by("pk").first()
    if article:
        pages.append(url("news:detail", project.slug, article.slug))
    return pages


def admin_pages(lang: str = "en") -> list[str]:
    """The admin pages coordinators work in: meeting, article, invitation and task, add and change."""
    from meetings.models import Meeting
    from news.models import Article
    from projects.models import Invitation
    from workgroups.models import Task

    pages = []
    with translation.override(lang):
        for model, name in ((Meeting, "meetings_meeting"), (Article, "news_article"),
                            (Invitation, "projects_invitation"), (Task, "workgroups_task")):
            pages.append(reverse(f"admin:{name}_add"))
            obj = model.objects.order_by("pk").first()
            if obj is not None:
                pages.append(reverse(f"admin:{name}_change", args=[obj.pk]))
    return pages


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as loaded (the context bypasses CSP)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(0, 2).join(' ')) })); }",
        AXE_TAGS,
    )
    return list(result)


def overflow(page: Any) -> dict[str, Any] | None:
    """What sticks out sideways at the current width (None when the page fits)."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth, scroll = document.documentElement.scrollWidth;
        if (scroll <= width) return null;
        const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
          .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
            + ' ' + Math.round(e.getBoundingClientRect().right));
        return {scrollWidth: scroll, wide};
    }"""
    )


def vnu_errors(files: list[Path]) -> list[str]:
    """The Nu HTML Checker's errors over all ``files`` in one JVM run."""
    proc = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=180,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '').strip()[:80]}]"
            for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
