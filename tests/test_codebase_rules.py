"""Rules about the code itself: services stay free of Flask, every message has Thai."""

import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PURE_MODULE_NAMES = {"services.py", "qr.py", "pdf.py", "thai.py"}


def test_services_import_nothing_from_flask():
    offenders = []
    for path in (ROOT / "eventsys").rglob("*.py"):
        if path.name not in PURE_MODULE_NAMES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}" for n in names if n == "flask" or n.startswith("flask.")
            ]
    assert offenders == []


def test_forms_derive_from_the_app_form_base():
    """A form built on FlaskForm or wtforms.Form directly shows WTForms' English messages on
    Thai pages: every form derives from eventsys.forms.Form (or SubForm, for nested ones)."""
    offenders = []
    for path in (ROOT / "eventsys").rglob("*.py"):
        if path.name == "forms.py" and path.parent.name == "eventsys":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in ("flask_wtf", "wtforms"):
                offenders += [
                    f"{path.relative_to(ROOT)}: {a.name}"
                    for a in node.names
                    if a.name in ("FlaskForm", "Form")
                ]
    assert offenders == []


def test_every_message_has_a_thai_translation():
    with (ROOT / "translations" / "th" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_templates_have_no_inline_script():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "templates").rglob("*.html")
        if "<script>" in p.read_text() or "onclick=" in p.read_text()
    ]
    assert offenders == []
