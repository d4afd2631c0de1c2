"""Copy every uploaded file that a row names from one store to another (a folder to a
bucket, or back), verifying each copy's SHA-256 against the source. Idempotent: a file
already at the destination with the same checksum is left alone; one that differs is
written again. The source is never deleted (docs/deploy.md)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from agepartners.env import ConfigurationError, files_settings
from agepartners.storage import StorageUnavailable


def _storages_for(url: str) -> dict[str, Storage]:
    """The two stores ("private", "default") of a FILES_URL; "current" = as configured."""
    if url == "current":
        return {alias: storages[alias] for alias in ("private", "default")}
    try:
        config = files_settings(url, private_root=str(settings.PRIVATE_MEDIA_ROOT))
    except ConfigurationError as error:
        raise CommandError(str(error)) from None
    return {alias: storages.create_storage(config[alias]) for alias in ("private", "default")}


def stored_files() -> Iterator[tuple[str, str]]:
    """(store alias, name) of every file a row of any model names, each once."""
    seen: set[tuple[str, str]] = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, models.FileField):
                continue
            # A field on Django's default storage holds public media; every other one private files.
            alias = "default" if model_field.storage is default_storage else "private"
            names = model._default_manager.exclude(**{model_field.name: ""}).values_list(model_field.name, flat=True)
            for name in names.iterator():
                if name and (alias, name) not in seen:
                    seen.add((alias, name))
                    yield alias, name


def _read(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return b"".join(iter(lambda: handle.read(1024 * 1024), b""))


@dataclass
class Outcome:
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def move_files(source: dict[str, Storage], target: dict[str, Storage]) -> Outcome:
    outcome = Outcome()
    for alias, name in stored_files():
        label = f"{alias}:{name}"
        try:
            data = _read(source[alias], name)
        except FileNotFoundError:
            outcome.missing.append(label)
            continue
        checksum = hashlib.sha256(data).hexdigest()
        destination = target[alias]
        if destination.exists(name):
            if hashlib.sha256(_read(destination, name)).hexdigest() == checksum:
                outcome.present.append(label)
                continue
            # Same name, other content (an interrupted earlier copy): replace it, keeping the
            # name the row holds (save() would otherwise pick a new one).
            destination.delete(name)
        written = destination.save(name, ContentFile(data))
        if written != name or hashlib.sha256(_read(destination, name)).hexdigest() != checksum:
            outcome.failed.append(label)
        else:
            outcome.copied.append(label)
    return outcome


class Command(BaseCommand):
    help = "Copy every uploaded file between a folder and object storage, verifying checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True,
                            help='a FILES_URL (file:///… or s3://…), or "current" for the configured stores')
        parser.add_argument("--to", dest="target", required=True, help="a FILES_URL, or \"current\"")

    def handle(self, *args: Any, source: str, target: str, **options: Any) -> None:
        if source == target:
            raise CommandError("--from and --to are the same store.")
        try:
            outcome = move_files(_storages_for(source), _storages_for(target))
        except StorageUnavailable as error:
            raise CommandError(f"A file store cannot be reached: {error}. Nothing was deleted; run the command again.") from None
        for label in outcome.missing:
            self.stderr.write(f"missing at the source: {label}")
        for label in outcome.failed:
            self.stderr.write(f"checksum differs after copying: {label}")
        self.stdout.write(
            f"{len(outcome.copied)} copied, {len(outcome.present)} already there (same checksum), "
            f"{len(outcome.missing)} missing at the source, {len(outcome.failed)} failed."
        )
        if outcome.failed or outcome.missing:
            raise CommandError("Not every file was copied; the source is unchanged. Switch FILES_URL only after a clean run.")
