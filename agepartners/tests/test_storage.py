"""Files through one setting, FILES_URL: a folder, or S3 object storage (a real SeaweedFS
server on loopback here). An unreachable store is a clear 503, never a 500 or a "not found";
/healthz names it; move_files copies between the two, verifying checksums, idempotently."""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.http import FileResponse
from django.test import RequestFactory

from agepartners.env import ConfigurationError, files_settings
from agepartners.storage import StorageUnavailable, StreamedObject, check_storage
from agepartners.tests.test_healthz import _closed_port
from hosts.seaweed import SeaweedFS


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: Any) -> Iterator[SeaweedFS]:
    server = SeaweedFS.on_loopback(tmp_path_factory.mktemp("seaweed"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _s3(url: str, alias: str = "private", prefix: str | None = None) -> Any:
    config = files_settings(url, private_root="/unused")[alias]
    if prefix:  # each test under its own prefix of the one bucket
        config["OPTIONS"]["location"] = f"{prefix}/{config['OPTIONS']['location']}"
    return storages.create_storage(config)


@pytest.fixture
def s3_settings(settings: Any, seaweed: SeaweedFS) -> Any:
    """The portal's STORAGES pointed at the bucket, under a prefix of this test's own."""
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    config = files_settings(seaweed.url, private_root="/unused")
    for entry in config.values():
        entry["OPTIONS"]["location"] = f"{prefix}/{entry['OPTIONS']['location']}"
    settings.STORAGES = {**settings.STORAGES, **config}
    return settings


# --- FILES_URL ------------------------------------------------------------------------------


def test_without_files_url_the_folders_of_one_server_are_kept(tmp_path):
    config = files_settings("", private_root=str(tmp_path / "private"))
    private = storages.create_storage(config["private"])
    assert private.location == str(tmp_path / "private")
    assert config["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # MEDIA_ROOT
    with pytest.raises(ValueError, match="no public URL"):
        private.url("x.pdf")


def test_a_folder_url_puts_private_and_public_files_under_it():
    config = files_settings("file:///srv/agepartners/files", private_root="/unused")
    assert storages.create_storage(config["private"]).location == "/srv/agepartners/files/private"
    assert config["default"]["OPTIONS"]["location"] == "/srv/agepartners/files/media"


def test_an_s3_url_configures_path_style_addressing_and_the_endpoint():
    config = files_settings("s3://AKIA:se%2Fcr%40et@objects.internal:8333/portal?region=eu-central-1", private_root="/unused")
    options = config["private"]["OPTIONS"]
    assert (options["access_key"], options["secret_key"], options["bucket_name"]) == ("AKIA", "se/cr@et", "portal")
    assert options["endpoint_url"] == "http://objects.internal:8333" and options["region_name"] == "eu-central-1"
    assert options["client_config"].s3 == {"addressing_style": "path"}
    assert (options["location"], config["default"]["OPTIONS"]["location"]) == ("private", "public")
    assert files_settings("s3://a:b@h:443/p?tls=1", private_root="/unused")["private"]["OPTIONS"]["endpoint_url"] == "https://h:443"


@pytest.mark.parametrize("url, message", [
    ("s3://objects.internal:8333/portal", "access key, secret, host and one bucket"),
    ("s3://a:b@objects.internal:8333/", "one bucket"),
    ("s3://a:b@objects.internal:8333/one/two", "one bucket"),
    ("s3://a:b@h:1/p?regoin=x", "unknown option"),
    ("s3://a:b@h:port/p", "not a number"),
    ("ftp://h/p", "use file:///path/to/folder or s3://"),
    ("file://relative/path", "file:///absolute/path"),
])
def test_a_wrong_files_url_stops_the_portal_with_a_clear_message(url, message):
    with pytest.raises(ConfigurationError, match=message):
        files_settings(url, private_root="/unused")


# --- Object storage -------------------------------------------------------------------------


def test_private_files_round_trip_through_the_bucket_and_reads_stream(seaweed):
    storage = _s3(seaweed.url, prefix=f"t-{uuid.uuid4().hex[:8]}")
    content = b"%PDF-1.4\n" + bytes(range(256)) * 12_000  # about 3 MB
    first = storage.save("documents/report.pdf", ContentFile(content))
    second = storage.save("documents/report.pdf", ContentFile(b"another"))
    assert first == "documents/report.pdf" and second != first  # never silently replaced
    assert storage.exists(first) and storage.size(first) == len(content)
    handle = storage.open(first)
    assert isinstance(handle, StreamedObject) and handle.size == len(content)
    response = FileResponse(handle, as_attachment=True, filename="report.pdf")
    assert response.streaming and b"".join(response.streaming_content) == content
    with pytest.raises(ValueError, match="no public URL"):
        storage.url(first)
    storage.delete(first)
    assert not storage.exists(first)
    with pytest.raises(FileNotFoundError):
        storage.open(first)
    check_storage(storage)


def test_public_media_in_the_bucket_get_signed_links(seaweed):
    storage = _s3(seaweed.url, "default", prefix=f"t-{uuid.uuid4().hex[:8]}")
    name = storage.save("logos/city.png", ContentFile(b"png"))
    url = storage.url(name)
    assert url.startswith(f"{seaweed.endpoint}/agepartners/") and "X-Amz-Signature=" in url


def test_an_unreachable_store_is_storage_unavailable_not_a_missing_file():
    storage = _s3(f"s3://a:b@127.0.0.1:{_closed_port()}/bucket")
    for attempt in (lambda: storage.save("x.pdf", ContentFile(b"x")), lambda: storage.open("x.pdf"),
                    lambda: storage.exists("x.pdf"), lambda: check_storage(storage)):
        with pytest.raises(StorageUnavailable) as caught:
            attempt()
        assert not isinstance(caught.value, OSError)  # views turn OSError into 404


def test_wrong_credentials_are_storage_unavailable_too(seaweed):
    storage = _s3(seaweed.url.replace("agepartners-test-secret", "wrong-secret"))
    with pytest.raises(StorageUnavailable):
        storage.save("x.pdf", ContentFile(b"x"))
    with pytest.raises(StorageUnavailable):
        check_storage(storage)


# --- What a person sees, and /healthz -----------------------------------------------------------


@pytest.mark.parametrize("language, text", [
    ("en", "The portal cannot reach its file store"),
    ("de", "Dateispeicher"),
])
def test_an_outage_of_the_store_is_a_clear_page_not_a_server_error(rf: RequestFactory, language, text):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from agepartners.middleware import StorageUnavailableMiddleware

    request = rf.post(f"/{language}/discussions/documents/new/")
    request.user = AnonymousUser()
    middleware = StorageUnavailableMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    with translation.override(language):
        response = middleware.process_exception(request, StorageUnavailable("connection refused"))
    assert response is not None and response.status_code == 503 and response["Retry-After"] == "60"
    assert text in response.content.decode()
    assert middleware.process_exception(request, ValueError("other")) is None


@pytest.mark.django_db
def _beat_and_worker_alive() -> None:
    # /healthz also asks whether beat and a worker ran lately: here they have.
    from outbox.models import Heartbeat

    for name in ("beat", "worker"):
        Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


@pytest.mark.django_db
def test_healthz_says_storage_ok_when_the_bucket_answers(client, s3_settings):
    _beat_and_worker_alive()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["storage"]) == ("ok", "ok", "ok", "ok")


@pytest.mark.django_db
def test_healthz_names_the_store_when_it_is_down(client, settings):
    config = files_settings(f"s3://a:b@127.0.0.1:{_closed_port()}/bucket", private_root="/unused")
    settings.STORAGES = {**settings.STORAGES, **config}
    _beat_and_worker_alive()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["storage"], body["outbox"]) == (
        "unavailable", "ok", "ok", "unavailable", "ok")


# --- move_files --------------------------------------------------------------------------------


@pytest.fixture
def stored_document(monkeypatch: Any, tmp_path: Path, project: Any, coordinator: Any) -> Any:
    """A document in the folder store FILES_URL=file://<tmp>/files, as a running portal made it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communication.documents import add_document
    from communication.models import DocumentVersion

    # The instance the model's field holds (storages["private"] when the models loaded).
    monkeypatch.setattr(DocumentVersion._meta.get_field("file").storage, "location", str(tmp_path / "files" / "private"))
    content = b"%PDF-1.4\n1 0 obj <<>> endobj\n% Skills analysis\ntrailer <<>>\n%%EOF\n"
    return add_document(project, coordinator, title="Skills analysis",
                        upload=SimpleUploadedFile("skills.pdf", content, content_type="application/pdf"), notify=False)


@pytest.mark.django_db
def test_move_files_copies_to_the_bucket_and_back_verifying_checksums(stored_document, seaweed, tmp_path, capsys):
    version = stored_document.current_version
    folder = f"file://{tmp_path}/files"
    expected = hashlib.sha256((tmp_path / "files" / "private" / version.file.name).read_bytes()).hexdigest()
    assert expected == version.sha256
    bucket_url = seaweed.url  # the command builds its stores from the URL: the bucket's own private/ prefix
    bucket = _s3(bucket_url)
    bucket.delete(version.file.name)

    call_command("move_files", "--from", folder, "--to", bucket_url)
    assert "1 copied, 0 already there" in capsys.readouterr().out
    assert hashlib.sha256(bucket.open(version.file.name).read()).hexdigest() == expected

    call_command("move_files", "--from", folder, "--to", bucket_url)  # idempotent
    assert "0 copied, 1 already there (same checksum)" in capsys.readouterr().out

    bucket.delete(version.file.name)  # an interrupted earlier copy: other bytes under the name
    bucket.save(version.file.name, ContentFile(b"half a file"))
    call_command("move_files", "--from", folder, "--to", bucket_url)
    assert "1 copied" in capsys.readouterr().out
    assert hashlib.sha256(bucket.open(version.file.name).read()).hexdigest() == expected

    back = tmp_path / "back"
    call_command("move_files", "--from", bucket_url, "--to", f"file://{back}")
    assert "1 copied" in capsys.readouterr().out
    assert hashlib.sha256((back / "private" / version.file.name).read_bytes()).hexdigest() == expected
    bucket.delete(version.file.name)


@pytest.mark.django_db
def test_move_files_reports_missing_sources_and_an_unreachable_store(stored_document, tmp_path, capsys):
    (tmp_path / "files" / "private" / stored_document.current_version.file.name).unlink()
    with pytest.raises(CommandError, match="Not every file was copied"):
        call_command("move_files", "--from", f"file://{tmp_path}/files", "--to", f"file://{tmp_path}/elsewhere")
    assert "missing at the source: private:" in capsys.readouterr().err
    with pytest.raises(CommandError, match="cannot be reached"):
        call_command("move_files", "--from", f"s3://a:b@127.0.0.1:{_closed_port()}/bucket", "--to", "current")


# --- Uploads and downloads while the store is down (the portal's own views) ----------------------


@pytest.fixture
def store_down(monkeypatch: Any) -> Any:
    """Every file field of private files pointed at a store nobody listens on."""
    from communication.models import DocumentVersion
    from meetings.models import Attachment

    down = _s3(f"s3://a:b@127.0.0.1:{_closed_port()}/bucket")

    def apply() -> None:
        for model in (DocumentVersion, Attachment):
            monkeypatch.setattr(model._meta.get_field("file"), "storage", down)

    return apply


@pytest.mark.django_db
def test_an_upload_while_the_store_is_down_is_a_clear_page_and_leaves_no_record(client, project, partner, store_down):
    from communication.models import Document, DocumentVersion
    from meetings.models import Attachment, Meeting

    client.force_login(partner)
    store_down()
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/en/discussions/p/age/documents/new/", {
        "title": "Skills analysis", "language": "en", "file": SimpleUploadedFile("skills.pdf", pdf, "application/pdf"),
    })
    assert response.status_code == 503 and "The portal cannot reach its file store" in response.content.decode()
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)

    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now()
    meeting = Meeting.objects.create(project=project, title="Kick-off", status="confirmed", city="Daugavpils", country="LV",
                                     venue_time_zone="Europe/Riga", starts_at=start, ends_at=start + timedelta(hours=2))
    response = client.post(f"/en/meetings/{meeting.pk}/files/", {
        "kind": "document", "caption": "Agenda", "file": SimpleUploadedFile("agenda.pdf", pdf, "application/pdf"),
    })
    assert response.status_code == 503 and "The portal cannot reach its file store" in response.content.decode()
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_download_while_the_store_is_down_is_a_clear_page_not_not_found(client, project, partner, store_down, monkeypatch, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communication.documents import add_document
    from communication.models import DocumentVersion

    monkeypatch.setattr(DocumentVersion._meta.get_field("file").storage, "location", str(tmp_path / "private"))
    document = add_document(project, partner, title="Skills analysis", notify=False,
                            upload=SimpleUploadedFile("skills.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))
    client.force_login(partner)
    store_down()
    response = client.get(f"/en/discussions/documents/{document.pk}/download/")
    assert response.status_code == 503 and "The portal cannot reach its file store" in response.content.decode()
