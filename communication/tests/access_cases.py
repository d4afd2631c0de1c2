"""Access-control matrix cases for every URL of the communication app.

Outsiders get 404 everywhere (downloads included); observers read but cannot write;
members write; coordinators also moderate.
"""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from communication import discussions, documents
from projects.tests.access import Case, World


def build(world: World) -> list[Case]:
    project = world.project
    coordinator = world.users["coordinator"]
    member = world.users["member"]
    thread = discussions.start_thread(project, member, "Partner meeting follow-up", "Thanks for Magdeburg!")
    own_post = discussions.reply(thread, member, "A reply by the member")
    document = documents.add_document(
        project, member, title="Skills analysis", language="de",
        upload=SimpleUploadedFile("analysis.txt", b"Skills analysis draft\n", content_type="text/plain"),
    )
    world.extra["communication"] = {"thread": thread, "document": document}
    slug = project.slug
    base = "/en/discussions"
    t = thread.pk
    d = document.pk
    contributors = {"observer": 404, "member": 302, "coordinator": 302, "superuser": 302}
    return [
        # Everyone logged in has a discussions home; it lists only their own projects' threads.
        Case("communication:index", f"{base}/", outsider=200),
        Case("communication:notification_settings", f"{base}/notifications/", outsider=200),
        Case("communication:project", f"{base}/p/{slug}/"),
        Case("communication:thread_create", f"{base}/p/{slug}/new/", observer=404),
        Case("communication:documents", f"{base}/p/{slug}/documents/"),
        Case("communication:document_create", f"{base}/p/{slug}/documents/new/", observer=404),
        Case("communication:activity", f"{base}/p/{slug}/activity/"),
        Case("communication:thread", f"{base}/t/{t}/"),
        Case("communication:reply", f"{base}/t/{t}/reply/", method="post", data={"body": "Agreed."}, **contributors),
        Case("communication:thread_moderate", f"{base}/t/{t}/moderate/", method="post", data={"action": "pin"},
             observer=404, member=404, coordinator=302, superuser=302),
        Case("communication:thread_follow", f"{base}/t/{t}/follow/", method="post", data={"follow": "1"},
             observer=302, member=302, coordinator=302, superuser=302),
        # Only the author edits; others do not learn the edit page exists.
        Case("communication:post_edit", f"{base}/posts/{own_post.pk}/edit/", observer=404, member=200,
             coordinator=404, superuser=404),
        Case("communication:document", f"{base}/documents/{d}/"),
        Case("communication:version_create", f"{base}/documents/{d}/versions/new/", method="post",
             data={"comment": "no file"}, observer=404, member=400, coordinator=400, superuser=400),
        Case("communication:document_download", f"{base}/documents/{d}/download/"),
        Case("communication:version_download", f"{base}/documents/{d}/versions/1/download/"),
    ]
