"""Merge Thai translations from a Python dict file into translations/th (maintainer tool).

Usage: python scripts/i18n_fill.py FILE.py   (FILE defines TH = {msgid: Thai text})
Entries already translated in the catalog are kept unless the file gives a new text.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations" / "th" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    translations = runpy.run_path(sys.argv[1])["TH"]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    for message in catalog:
        if message.id and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(missing)} untranslated", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
