"""The embedded default: seed_demo drops two answers into var/inbox/, the folder mailbox
hands them to the same processing as IMAP, and a second start drops nothing again."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from communication.models import Post
from inbound.models import InboundMessage
from inbound.services import poll
from meetings.models import Participation

pytestmark = pytest.mark.django_db


def test_the_demo_answers_land_in_the_thread_and_on_the_attendance_list(settings, tmp_path):
    inbox = tmp_path / "inbox"
    settings.INBOUND_EMAIL_URL = f"folder://{inbox}"
    settings.INBOUND_EMAIL_ADDRESS = "partners@agepartners.localhost"
    call_command("seed_demo", "--password", "demo-password-1", stdout=open("/dev/null", "w"))
    assert sorted(p.name for p in inbox.glob("*.eml")) == ["demo-accept-it.eml", "demo-reply-de.eml"]

    assert poll() == {"processed": 2}
    assert sorted(p.name for p in (inbox / "processed").glob("*.eml")) == ["demo-accept-it.eml", "demo-reply-de.eml"]
    assert list(inbox.glob("*.eml")) == []
    post = Post.objects.filter(author__email="partner@magdeburg.example").order_by("-pk").first()
    assert post is not None and post.body.startswith("Vielen Dank für den Entwurf.") and "schrieb" not in post.body
    [glossary] = post.documents.all()  # the attached file is a document of the project
    assert glossary.title == "Glossar Verwaltungsbegriffe" and glossary.current_version.content_type.startswith("text/csv")
    answer = Participation.objects.filter(user__email="partner@ferrara.example", notes="Arrivo in treno la sera prima.").get()
    assert answer.response == "attending"

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # the next `make run`
    assert list(inbox.glob("*.eml")) == []
    assert InboundMessage.objects.count() == 2
