"""Copy the front-end packages installed by npm into static/vendor (run by `make vendor`).

Pages load only files served by the app itself (no CDN), so they work on a venue LAN with
no internet. Only what the pages use is copied: Sarabun's Thai and Latin subsets in the
weights the CSS uses, as WOFF2.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"
SARABUN_WEIGHTS = ("400", "600", "700")
SARABUN_SUBSETS = ("thai", "latin")
#: single files copied as they are: (package path, destination under static/vendor)
FILES: tuple[tuple[str, str], ...] = (
    ("jsqr/dist/jsQR.js", "jsqr/jsQR.js"),  # QR decoding from the camera (check-in)
    ("jsqr/LICENSE", "jsqr/LICENSE"),
    ("chart.js/dist/chart.umd.min.js", "chart.js/chart.umd.min.js"),  # dashboard charts
    ("chart.js/LICENSE.md", "chart.js/LICENSE.md"),
)


def vendor_sarabun() -> None:
    source = MODULES / "@fontsource" / "sarabun"
    target = VENDOR / "sarabun"
    target.mkdir(parents=True, exist_ok=True)
    blocks: list[str] = []
    for weight in SARABUN_WEIGHTS:
        css = (source / f"{weight}.css").read_text()
        for block in re.findall(r"/\* (sarabun-[a-z-]+-\d+-normal) \*/\s*(@font-face \{.*?\})", css, re.S):
            name, rule = block
            if not any(name == f"sarabun-{subset}-{weight}-normal" for subset in SARABUN_SUBSETS):
                continue
            filename = f"{name}.woff2"
            shutil.copyfile(source / "files" / filename, target / filename)
            rule = re.sub(r"src: [^;]+;", f"src: url(./{filename}) format('woff2');", rule)
            blocks.append(f"/* {name} */\n{rule}\n")
    if len(blocks) != len(SARABUN_WEIGHTS) * len(SARABUN_SUBSETS):
        sys.exit(
            f"vendor: expected {len(SARABUN_WEIGHTS) * len(SARABUN_SUBSETS)} Sarabun faces, "
            f"found {len(blocks)}"
        )
    header = "/* Sarabun (SIL Open Font License 1.1), from the npm package @fontsource/sarabun */\n"
    (target / "sarabun.css").write_text(header + "\n".join(blocks))
    shutil.copyfile(source / "LICENSE", target / "LICENSE")


def main() -> None:
    if not MODULES.exists():
        sys.exit("vendor: node_modules is missing; run `npm ci` first")
    vendor_sarabun()
    for package_path, destination in FILES:
        target = VENDOR / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / package_path, target)
    print(f"vendor: static/vendor ready ({sum(1 for _ in VENDOR.rglob('*') if _.is_file())} files)")


if __name__ == "__main__":
    main()
