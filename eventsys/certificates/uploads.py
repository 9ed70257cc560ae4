"""Images for certificate designs (logo, background, signatures): checked, cleaned, stored.

Only PNG, JPEG and SVG, recognised by their content (never by the file name). Rasters are
decoded and re-encoded with Pillow (metadata and anything hidden after the image is dropped,
size capped); SVG is parsed and rebuilt without scripts, ``foreignObject``, event-handler
attributes or references to anything outside the file. Files are stored under the upload
store (``eventsys.files``, key ``uploads/certificates/<hash>.<ext>``) by the hash of their
cleaned content.

An SVG that would make the renderer work without end is refused outright, with a message
saying why: too many elements, too many ``<use>``, or a ``<use>`` of something that itself
holds a ``<use>`` (six levels of ten such copies, 1.6 KB, drew a million shapes and ran for
minutes); CSS escapes (``@im\\70ort``, ``\\75rl(``) that would hide an import or a URL from the
checks below; ``xml:base``, which would point every ``#fragment`` at another document.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import xml.etree.ElementTree as ET

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from eventsys.errors import RuleViolation
from eventsys.files import FileStore

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4000 * 4000
MAX_SIDE = 2400  #: rasters are scaled down to this (300 dpi on A4 needs ~3500; 2400 is plenty)
SUBFOLDER = "certificates"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: elements that can run code or pull in other documents
FORBIDDEN_SVG_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "object",
    "embed",
    "audio",
    "video",
    "handler",
    "listener",
}
#: an SVG logo or signature needs a few hundred elements; a bomb needs many more, or nesting
MAX_SVG_ELEMENTS = 5000
MAX_SVG_USES = 50
#: a logo nests groups a few levels deep; thousands of levels exhaust a recursive walker
MAX_SVG_DEPTH = 64
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Pillow's own size alarms: an error past twice its limit, a warning (an error where
#: warnings are errors, as in the tests) past it; our MAX_PIXELS check refuses both anyway
_PILLOW_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


def sniff(data: bytes) -> str | None:
    """ "png", "jpeg" or "svg" from the first bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return "svg" if b"<svg" in data[:4096].lower() else None
    return None


def clean_image(data: bytes, *, field: str, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[bytes, str]:
    """The cleaned image and its extension; RuleViolation on ``field`` if it is not acceptable."""
    if len(data) > max_bytes:
        raise RuleViolation(
            _l("The image is too large (at most %(mb)s MB).", mb=max_bytes // (1024 * 1024)), field=field
        )
    kind = sniff(data)
    if kind is None:
        raise RuleViolation(_l("Only PNG, JPEG or SVG images can be used."), field=field)
    if kind == "svg":
        return sanitise_svg(data, field=field), "svg"
    return reencode_raster(data, kind, field=field)


def reencode_raster(data: bytes, kind: str, *, field: str) -> tuple[bytes, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG") or probe.width * probe.height > MAX_PIXELS:
                raise RuleViolation(_l("The image is damaged or too large to use."), field=field)
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, ValueError, *_PILLOW_BOMB) as error:
        raise RuleViolation(_l("The image is damaged or too large to use."), field=field) from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if kind == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        return out.getvalue(), "jpg"
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), "png"


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def sanitise_svg(data: bytes, *, field: str) -> bytes:
    """The SVG rebuilt without anything that could run, or fetch from outside the file."""
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise RuleViolation(_l("This SVG file cannot be used (it declares a DTD or entities)."), field=field)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise RuleViolation(_l("The SVG file is not well-formed."), field=field) from error
    if _local_name(root.tag) != "svg":
        raise RuleViolation(_l("Only PNG, JPEG or SVG images can be used."), field=field)
    _refuse_costly_or_hidden(root, field=field)
    _clean_element(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _css_unescape(text: str) -> str:
    """CSS text with its backslash escapes decoded (``\\75rl(`` is ``url(``)."""

    def decode(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(decode, text)


def _href(element: ET.Element) -> str:
    return (element.get("href") or element.get(f"{{{XLINK_NS}}}href") or "").strip()


def _refuse_costly_or_hidden(root: ET.Element, *, field: str) -> None:
    """RuleViolation if the SVG could keep the renderer busy without end (element and
    ``<use>`` limits, nested ``<use>``) or hides what the cleaning looks for (CSS escapes,
    ``xml:base``)."""
    elements = list(root.iter())
    if len(elements) > MAX_SVG_ELEMENTS:
        raise RuleViolation(
            _l("This SVG file cannot be used: it has more than %(max)d elements.", max=MAX_SVG_ELEMENTS),
            field=field,
        )
    uses = [e for e in elements if isinstance(e.tag, str) and _local_name(e.tag) == "use"]
    if len(uses) > MAX_SVG_USES:
        raise RuleViolation(
            _l("This SVG file cannot be used: it has more than %(max)d <use> elements.", max=MAX_SVG_USES),
            field=field,
        )
    if _depth(root) > MAX_SVG_DEPTH:
        raise RuleViolation(
            _l("This SVG file cannot be used: its elements are nested more than %(max)d levels deep.",
               max=MAX_SVG_DEPTH),
            field=field,
        )  # fmt: skip
    for element in elements:
        href = _href(element)
        if href.lower().startswith(("data:image/png", "data:image/jpeg")):
            _check_embedded_raster(href, field=field)
    by_id = {e.get("id"): e for e in elements if e.get("id")}
    for use in uses:
        target = by_id.get(_href(use).removeprefix("#")) if _href(use).startswith("#") else None
        if target is not None and any(
            isinstance(e.tag, str) and _local_name(e.tag) == "use" for e in target.iter()
        ):
            raise RuleViolation(
                _l(
                    "This SVG file cannot be used: a <use> element repeats a part that itself contains <use>."
                ),
                field=field,
            )
    for element in elements:
        if f"{{{XML_NS}}}base" in element.attrib:
            raise RuleViolation(_l("This SVG file cannot be used: it sets xml:base."), field=field)
        styles = [element.get("style") or ""]
        if isinstance(element.tag, str) and _local_name(element.tag) == "style":
            styles.append("".join(element.itertext()))
        if any("\\" in style for style in styles):
            raise RuleViolation(
                _l("This SVG file cannot be used: its styles contain escape sequences (a backslash)."),
                field=field,
            )


def _depth(root: ET.Element) -> int:
    """How deeply elements nest under ``root`` (walked without recursion)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _check_embedded_raster(href: str, *, field: str) -> None:
    """RuleViolation unless a ``data:`` PNG or JPEG inside an SVG is a readable image of at
    most :data:`MAX_PIXELS`: the renderer would otherwise decode a bomb hidden in a logo."""
    refused = RuleViolation(
        _l("This SVG file cannot be used: an image inside it is damaged or too large."), field=field
    )
    header, _comma, payload = href.partition(",")
    if ";base64" not in header.lower():
        raise refused
    try:
        data = base64.b64decode(payload, validate=False)
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG") or probe.width * probe.height > MAX_PIXELS:
                raise refused
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError, *_PILLOW_BOMB) as error:
        raise refused from error


def _clean_element(element: ET.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local_name(child.tag) in FORBIDDEN_SVG_ELEMENTS:
            element.remove(child)
            continue
        style_text = "".join(child.itertext()) if _local_name(child.tag) == "style" else ""
        if style_text and ("@import" in style_text.lower() or _EXTERNAL_URL.search(style_text)):
            element.remove(child)
            continue
        _clean_element(child)
    for name in list(element.attrib):
        value = _css_unescape(element.attrib[name].strip())
        local = _local_name(name)
        if local.startswith("on"):
            del element.attrib[name]
        elif local in ("href", "src") and not (
            value.startswith("#") or value.startswith(("data:image/png", "data:image/jpeg"))
        ):
            del element.attrib[name]
        elif _EXTERNAL_URL.search(value) or "javascript:" in value.lower():
            del element.attrib[name]


def store_image(data: bytes, *, files: FileStore, field: str, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Clean and store an uploaded image (key ``uploads/<returned name>``); returns the name
    kept on the design, e.g. ``certificates/3f2a….png``."""
    cleaned, extension = clean_image(data, field=field, max_bytes=max_bytes)
    name = f"{SUBFOLDER}/{hashlib.sha256(cleaned).hexdigest()[:24]}.{extension}"
    if not files.exists(f"uploads/{name}"):
        files.put(f"uploads/{name}", cleaned)
    return name
