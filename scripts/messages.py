#!/usr/bin/env python
"""Refresh and compile translation catalogues.

    python scripts/messages.py            # every catalogue
    python scripts/messages.py meetings   # one app's catalogue (meetings/locale)
    python scripts/messages.py core       # templates/, agepartners/, outbox/ (locale/)
    python scripts/messages.py --check    # exit 1 when a catalogue lacks translations

Each app keeps its own catalogue in <app>/locale so apps can change independently;
templates/ and the project package use the top-level locale/.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["lv", "de", "hu", "it", "da"]
# The core catalogue (locale/) covers templates/ and these packages; every other
# Django app (a directory with apps.py) keeps its own <app>/locale/.
CORE_PACKAGES = ["agepartners", "outbox"]
APPS = sorted(
    p.parent.name for p in ROOT.glob("*/apps.py")
    if p.parent.name not in CORE_PACKAGES and not p.parent.name.startswith(".")
)
NOT_SOURCES = [".venv", "var", "bench", "scripts", "docs", "staticfiles", "node_modules", ".git"]
PY = sys.executable


def makemessages(target: str) -> None:
    langs = [arg for lang in LANGUAGES for arg in ("-l", lang)]
    common = ["--no-obsolete", "--add-location=never", "-e", "html,txt,py"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if target == "core":
        ignores = [arg for app in APPS + NOT_SOURCES for arg in ("--ignore", f"{app}/*")]
        env["DJANGO_SETTINGS_MODULE"] = "agepartners.settings"
        env.setdefault("DJANGO_DEBUG", "true")
        subprocess.run([PY, "manage.py", "makemessages", *langs, *common, *ignores], cwd=ROOT, env=env, check=True)
    else:
        app_dir = ROOT / target
        (app_dir / "locale").mkdir(exist_ok=True)
        # -P: the app directory must not shadow standard modules (news/selectors.py vs selectors).
        subprocess.run([PY, "-P", "-m", "django", "makemessages", *langs, *common], cwd=app_dir, env=env, check=True)


def locale_dirs(target: str | None = None) -> list[Path]:
    if target == "core":
        return [ROOT / "locale"]
    if target:
        return [ROOT / target / "locale"]
    return [ROOT / "locale"] + [ROOT / app / "locale" for app in APPS if (ROOT / app / "locale").is_dir()]


def compile_all(target: str | None) -> None:
    for directory in locale_dirs(target):
        for po_path in sorted(directory.glob("*/LC_MESSAGES/django.po")):
            po = polib.pofile(str(po_path))
            po.save_as_mofile(str(po_path.with_suffix(".mo")))


def check(target: str | None) -> int:
    problems = 0
    for directory in locale_dirs(target):
        for po_path in sorted(directory.glob("*/LC_MESSAGES/django.po")):
            po = polib.pofile(str(po_path))
            missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
            if missing:
                problems += len(missing)
                print(f"{po_path.relative_to(ROOT)}: {len(missing)} untranslated or fuzzy")
                for msgid in missing[:50]:
                    print(f"    {msgid!r}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if "--check" in argv:
        targets = [a for a in argv if not a.startswith("--")]
        return check(targets[0] if targets else None)
    targets = [a for a in argv if not a.startswith("--")] or ["core", *APPS]
    for target in targets:
        makemessages(target)
        compile_all(target)
    return check(None if len(targets) > 1 else targets[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
