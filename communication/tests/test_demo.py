"""The demo's exchange after Magdeburg: threads in several languages, documents with versions."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from communication.models import Activity, Document, Post, Thread
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_the_exchange_once_and_sends_nothing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = (Thread.objects.count(), Post.objects.count(), Document.objects.count(), Activity.objects.count())
    assert counts[0] >= 4 and counts[2] >= 3
    bodies = " ".join(Post.objects.values_list("body", flat=True))
    for words in ("vielen Dank", "Grazie a tutti", "Paldies visiem", "Köszönjük", "Tak for", "Dear partners"):
        assert words in bodies
    questionnaire = Document.objects.get(title="Skills analysis questionnaire")
    assert questionnaire.current_version.number == 3 and questionnaire.versions.count() == 3
    programme = Document.objects.get(title="Work programme of the Magdeburg partner meeting")
    assert programme.current_version.content_type == "application/pdf"
    assert not OutgoingEmail.objects.filter(category__startswith="communication").exists()

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Thread.objects.count(), Post.objects.count(), Document.objects.count(), Activity.objects.count()) == counts
