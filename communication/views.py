"""Pages of the communication platform. Thin: objects come through projects.permissions,
changes go through communication.discussions, .documents and .notifications."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agepartners.http import AuthenticatedHttpRequest
from communication import discussions, notifications
from communication.activity import activity_feed
from communication.documents import add_document, add_version
from communication.forms import DocumentForm, PostForm, PreferenceForm, ThreadForm, VersionForm
from communication.markup import handle_for
from communication.models import EDIT_WINDOW, Document, DocumentVersion, NotificationPreference, Post, Thread
from projects import permissions
from projects.models import Project
from workgroups.models import WorkGroup

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 50
ACTIVITY_PER_PAGE = 25


def _project(request: HttpRequest, slug: str) -> Project:
    return permissions.get_for_member_or_404(Project.objects.all(), request.user, path="", slug=slug)


def _require_contributor(request: HttpRequest, project_id: int) -> None:
    if not permissions.can_contribute(request.user, project_id):
        raise Http404


def _work_group_filter(request: HttpRequest, project: Project) -> Any:
    raw = request.GET.get("work_group", "")
    return WorkGroup.objects.filter(project=project, pk=int(raw)).first() if raw.isdigit() else None


def _initial(request: HttpRequest, project: Project, **initial: Any) -> dict[str, Any]:
    """A new thread or document starts in the work group whose list it was started from."""
    work_group = _work_group_filter(request, project)
    return {**initial, "work_group": work_group.pk} if work_group is not None else initial


def _page(request: HttpRequest, qs: Any, per_page: int) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _thread_qs() -> Any:
    return Thread.objects.select_related("project", "work_group", "author")


def _mention_hints(project: Project) -> list[str]:
    return sorted(discussions.mention_directory(project))


# --- Discussions ---------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The discussions of all my projects, pinned first, then by latest activity."""
    projects = list(permissions.member_projects(request.user).order_by("title"))
    threads = permissions.scope_for_member(_thread_qs(), request.user)
    return render(request, "communication/index.html", {
        "projects": projects, "page": _page(request, threads, THREADS_PER_PAGE),
    })


def _project_listing(request: HttpRequest, slug: str, qs: Any, template: str) -> HttpResponse:
    """A project's threads or documents, optionally narrowed to one of its work groups."""
    project = _project(request, slug)
    rows = qs.filter(project=project)
    work_group = _work_group_filter(request, project)
    if work_group is not None:
        rows = rows.filter(work_group=work_group)
    return render(request, template, {
        "project": project, "work_group": work_group, "page": _page(request, rows, THREADS_PER_PAGE),
        "query": f"work_group={work_group.pk}" if work_group else "",
        "can_contribute": permissions.can_contribute(request.user, project),
    })


@login_required
def project_threads(request: HttpRequest, slug: str) -> HttpResponse:
    return _project_listing(request, slug, _thread_qs(), "communication/project_threads.html")


@login_required
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    _require_contributor(request, project.pk)
    form = ThreadForm(request.POST or None, project=project, initial=_initial(request, project))
    if request.method == "POST" and form.is_valid():
        thread = discussions.start_thread(
            project, request.user, form.cleaned_data["title"], form.cleaned_data["body"],
            work_group=form.cleaned_data["work_group"],
        )
        messages.success(request, _("Your discussion has started."))
        return redirect(thread)
    return render(request, "communication/thread_form.html", {
        "project": project, "form": form, "handles": _mention_hints(project),
    })


def _thread_for(request: HttpRequest, pk: int) -> Thread:
    return permissions.get_for_member_or_404(_thread_qs(), request.user, pk=pk)


@login_required
def thread_detail(request: AuthenticatedHttpRequest, pk: int, form: PostForm | None = None) -> HttpResponse:
    thread = _thread_for(request, pk)
    posts = thread.posts.select_related("author__person__organisation").prefetch_related(
        Prefetch("documents", queryset=Document.objects.select_related("current_version").order_by("pk")),
    )
    page = _page(request, posts, POSTS_PER_PAGE)
    can_contribute = permissions.can_contribute(request.user, thread.project_id)
    following = thread.follows.filter(user=request.user, active=True).exists()
    now = timezone.now()
    for post in page.object_list:
        post.editable = post.author_id == request.user.pk and can_contribute and post.within_edit_window(now)
    return render(request, "communication/thread.html", {
        "thread": thread, "project": thread.project, "page": page, "following": following,
        "can_contribute": can_contribute, "can_moderate": permissions.can_moderate_discussions(request.user, thread.project_id),
        "form": form or PostForm(), "handles": _mention_hints(thread.project) if can_contribute and not thread.is_closed else [],
        "edit_minutes": int(EDIT_WINDOW.total_seconds() // 60),
    })


@login_required
@require_POST
def reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    thread = _thread_for(request, pk)
    _require_contributor(request, thread.project_id)
    if thread.is_closed:
        messages.error(request, _("This discussion is closed: no more replies can be added. Start a new discussion if needed."))
        return redirect(thread)
    form = PostForm(request.POST)
    if not form.is_valid():
        return thread_detail(request, pk, form=form)
    try:
        post = discussions.reply(thread, request.user, form.cleaned_data["body"])
    except discussions.ThreadClosed:
        messages.error(request, _("This discussion was closed while you were writing; your reply was not added."))
        return thread_detail(request, pk, form=form)
    messages.success(request, _("Your reply has been posted."))
    return _to_post(post)


def _to_post(post: Post) -> HttpResponse:
    count = Post.objects.filter(thread_id=post.thread_id, created_at__lt=post.created_at).count()
    page = count // POSTS_PER_PAGE + 1
    url = post.thread.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return HttpResponseRedirect(f"{url}#post-{post.pk}")


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_for_member_or_404(
        Post.objects.select_related("thread__project"), request.user, path="thread__project", pk=pk
    )
    if not permissions.is_post_author(request.user, post):
        raise Http404
    minutes = int(EDIT_WINDOW.total_seconds() // 60)
    too_late = _(
        "Posts can be edited only within %(minutes)s minutes of posting. Please add a reply with your correction instead."
    ) % {"minutes": minutes}
    if not post.within_edit_window():
        messages.error(request, too_late)
        return redirect(post.thread)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            discussions.edit_post(post, form.cleaned_data["body"])
        except discussions.EditWindowClosed:
            messages.error(request, too_late)
            return redirect(post.thread)
        messages.success(request, _("Your post has been updated."))
        return _to_post(post)
    return render(request, "communication/post_form.html", {
        "post": post, "thread": post.thread, "project": post.thread.project, "form": form,
        "handles": _mention_hints(post.thread.project), "edit_minutes": minutes,
    })


@login_required
@require_POST
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread_for(request, pk)
    if not permissions.can_moderate_discussions(request.user, thread.project_id):
        raise Http404
    actions = {
        "pin": (discussions.set_pinned, True, _("The discussion is pinned to the top of the list.")),
        "unpin": (discussions.set_pinned, False, _("The discussion is no longer pinned.")),
        "close": (discussions.set_closed, True, _("The discussion is closed; nobody can reply any more.")),
        "reopen": (discussions.set_closed, False, _("The discussion is open for replies again.")),
    }
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
    else:
        change, value, done = action
        change(thread, value)
        messages.success(request, done)
    return redirect(thread)


@login_required
@require_POST
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread_for(request, pk)
    following = request.POST.get("follow") == "1"
    discussions.set_following(thread, request.user, following)
    messages.success(request, _("You will be told about new replies.") if following
                     else _("You will no longer be told about new replies (mentions still reach you)."))
    return redirect(thread)


# --- Documents -----------------------------------------------------------------------------


def _document_qs() -> Any:
    return Document.objects.select_related("project", "work_group", "current_version__uploaded_by", "created_by")


@login_required
def documents(request: HttpRequest, slug: str) -> HttpResponse:
    return _project_listing(request, slug, _document_qs(), "communication/documents.html")


@login_required
def document_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    _require_contributor(request, project.pk)
    initial = _initial(request, project, language=request.user.person.language)
    form = DocumentForm(request.POST or None, request.FILES or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = add_document(
            project, request.user, title=data["title"], upload=data["file"], description=data["description"],
            language=data["language"], work_group=data["work_group"], comment=data["comment"],
        )
        messages.success(request, _("The document has been shared."))
        return redirect(document)
    return render(request, "communication/document_form.html", {"project": project, "form": form})


def _document_for(request: HttpRequest, pk: int) -> Document:
    return permissions.get_for_member_or_404(_document_qs(), request.user, pk=pk)


@login_required
def document_detail(request: HttpRequest, pk: int, form: VersionForm | None = None) -> HttpResponse:
    document = _document_for(request, pk)
    versions = document.versions.select_related("uploaded_by")
    return render(request, "communication/document.html", {
        "document": document, "project": document.project, "versions": versions,
        "can_contribute": permissions.can_contribute(request.user, document.project_id),
        "form": form or VersionForm(),
    }, status=400 if form is not None else 200)


@login_required
@require_POST
def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for(request, pk)
    _require_contributor(request, document.project_id)
    form = VersionForm(request.POST, request.FILES)
    if not form.is_valid():
        return document_detail(request, pk, form=form)
    version = add_version(document, request.user, form.cleaned_data["file"], comment=form.cleaned_data["comment"])
    messages.success(request, _("Version %(number)s is now the current version; earlier versions are kept below.")
                     % {"number": version.number})
    return redirect(document)


def _serve(version: DocumentVersion) -> FileResponse:
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=version.file_name, content_type=version.content_type)
    # Never rendered as a page of this site, whatever it holds (nosniff: SecurityMiddleware).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _document_for(request, pk)
    if document.current_version is None:
        raise Http404
    return _serve(document.current_version)


@login_required
def version_download(request: HttpRequest, pk: int, number: int) -> FileResponse:
    version = permissions.get_for_member_or_404(
        DocumentVersion.objects.all(), request.user, path="document__project", document_id=pk, number=number
    )
    return _serve(version)


# --- Activity and notification settings ----------------------------------------------------


@login_required
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    page = _page(request, activity_feed(request.user, project), ACTIVITY_PER_PAGE)
    return render(request, "communication/activity.html", {"project": project, "page": page})


@login_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    projects = list(permissions.member_projects(request.user).order_by("title"))
    current = dict(
        NotificationPreference.objects.filter(user=request.user, project__in=projects).values_list("project_id", "mode")
    )
    forms = [
        (project, PreferenceForm(request.POST or None, prefix=f"p{project.pk}",
                                 initial={"mode": current.get(project.pk, NotificationPreference.Mode.IMMEDIATE)}))
        for project in projects
    ]
    if request.method == "POST" and all(form.is_valid() for _p, form in forms):
        for project, form in forms:
            notifications.set_preference(request.user, project, form.cleaned_data["mode"])
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("communication:notification_settings")
    return render(request, "communication/notification_settings.html", {
        "forms": forms, "person": request.user.person, "handle": handle_for(request.user.first_name, request.user.last_name, request.user.email),
    })
