"""Merge the Thai translations kept in translations/th_sources/*.py into the Thai catalog.

Each source file defines ``TH = {English msgid: Thai text}``; one file per feature, so
people working on different features never edit the same lines. ``make i18n`` runs
extract → update → this script → compile; it prints any message still untranslated.
"""

from __future__ import annotations

import runpy
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "th" / "LC_MESSAGES" / "messages.po"
SOURCES = ROOT / "translations" / "th_sources"


def main() -> None:
    translations: dict[str, str] = {}
    for path in sorted(SOURCES.glob("*.py")):
        translations.update(runpy.run_path(str(path))["TH"])
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"i18n: {len(missing)} untranslated", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
