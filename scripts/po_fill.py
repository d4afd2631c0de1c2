#!/usr/bin/env python
"""Write translations into catalogues from a JSON file, then compile them.

    python scripts/po_fill.py meetings /tmp/meetings.json

The JSON maps each msgid to its translations: {"Meetings": {"lv": "Sanāksmes", "de": …}}.
For plural entries give a list per language: {"%(n)s task": {"lv": ["…", "…", "…"]}}.
Entries whose msgid has a context are keyed "context\u0004msgid".
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(target: str, source: str) -> int:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    directory = ROOT / "locale" if target == "core" else ROOT / target / "locale"
    for po_path in sorted(directory.glob("*/LC_MESSAGES/django.po")):
        lang = po_path.parent.parent.name
        po = polib.pofile(str(po_path))
        for entry in po:
            key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
            value = data.get(key, {}).get(lang)
            if value is None:
                continue
            if entry.msgid_plural:
                values = value if isinstance(value, list) else [value]
                count = max(len(entry.msgstr_plural), len(values))
                entry.msgstr_plural = {i: values[min(i, len(values) - 1)] for i in range(count)}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        # A clean header: msgfmt skips catalogues whose header is still marked fuzzy.
        po.metadata_is_fuzzy = False
        po.metadata["Language"] = lang
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        left = len(po.untranslated_entries()) + len(po.fuzzy_entries())
        print(f"{po_path.relative_to(ROOT)}: {po.percent_translated()}% translated, {left} left")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
