"""Every catalogue is complete in all five languages, compiled, and knows every string of the sources."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["lv", "de", "hu", "it", "da"]


def _messages_module():
    spec = importlib.util.spec_from_file_location("agepartners_messages", ROOT / "scripts" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MESSAGES = _messages_module()
TARGETS = ["core", *MESSAGES.APPS]


def _locale_dir(root: Path, target: str) -> Path:
    return root / "locale" if target == "core" else root / target / "locale"


def _entries(catalogue: polib._BaseFile) -> dict[tuple[str, str], object]:
    """What a catalogue translates: (context, msgid) -> msgstr, or the plural forms."""
    result: dict[tuple[str, str], object] = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt or "", entry.msgid)
        result[key] = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
    return result


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_compiled(target, language):
    po_path = _locale_dir(ROOT, target) / language / "LC_MESSAGES" / "django.po"
    assert po_path.exists(), f"{po_path.relative_to(ROOT)} is missing: run scripts/messages.py {target}"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{po_path.relative_to(ROOT)}: untranslated {untranslated[:20]}"
    assert not fuzzy, f"{po_path.relative_to(ROOT)}: fuzzy {fuzzy[:20]}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: compile with scripts/messages.py"
    # Compare contents, not modification times: a git checkout sets those arbitrarily.
    compiled, written = _entries(polib.mofile(str(mo_path))), _entries(po)
    stale = sorted(k[1] for k in written.keys() | compiled.keys() if written.get(k) != compiled.get(k))
    assert not stale, f"{mo_path.relative_to(ROOT)} differs from its .po (recompile): {stale[:20]}"


@pytest.mark.slow
def test_no_string_in_the_sources_is_missing_from_the_catalogues(tmp_path):
    """Extract messages afresh in a copy of the tree and compare with what is committed."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "var", "staticfiles", "__pycache__", "*.pyc", ".pytest_cache", "node_modules", "results"))
    result = subprocess.run([sys.executable, "scripts/messages.py"], cwd=copy, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr

    missing: list[str] = []
    for target in TARGETS:
        fresh = _locale_dir(copy, target) / "lv" / "LC_MESSAGES" / "django.po"
        if not fresh.exists():
            continue
        committed_path = _locale_dir(ROOT, target) / "lv" / "LC_MESSAGES" / "django.po"
        committed = _entries(polib.pofile(str(committed_path))) if committed_path.exists() else {}
        for context, msgid in sorted(_entries(polib.pofile(str(fresh))).keys() - committed.keys()):
            missing.append(f"{target}: {msgid!r}" + (f" (context {context!r})" if context else ""))
    by_target = {t: sum(1 for m in missing if m.startswith(f"{t}: ")) for t in TARGETS}
    assert not missing, (
        f"{len(missing)} string(s) in the sources are not in the committed catalogues "
        f"({', '.join(f'{t}: {n}' for t, n in by_target.items() if n)}); run scripts/messages.py <app>, "
        "translate, and commit:\n  " + "\n  ".join(missing[:80])
    )
