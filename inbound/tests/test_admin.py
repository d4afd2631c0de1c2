"""Administrators see what came in and why nothing was posted; coordinators only their projects'."""
from __future__ import annotations

import pytest

from inbound.models import InboundMessage

pytestmark = pytest.mark.django_db
CHANGELIST = "/en/admin/inbound/inboundmessage/"


def test_failed_messages_show_their_reason_to_the_right_administrators(client, project, other_project, coordinator, outsider, superuser):
    InboundMessage.objects.create(mailbox="imap://x", uid="1:1", sender="katrin@magdeburg.example", subject="Re: Ours",
                                  status="failed", reason="the discussion is closed", project=project)
    InboundMessage.objects.create(mailbox="imap://x", uid="1:2", sender="forger@example.org", subject="Re: Forged",
                                  status="failed", reason="forged or mangled reply token")
    InboundMessage.objects.create(mailbox="imap://x", uid="1:3", sender="x@tartu.example", subject="Re: Theirs",
                                  status="failed", reason="the reply is empty", project=other_project)
    client.force_login(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert "Re: Ours" in page and "Re: Forged" in page and "forged or mangled reply token" in page
    client.force_login(coordinator)
    page = client.get(CHANGELIST).content.decode()
    assert "Re: Ours" in page and "the discussion is closed" in page
    assert "Re: Forged" not in page and "Re: Theirs" not in page
