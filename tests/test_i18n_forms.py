"""Every form of the app, submitted empty and over-long on a Thai page, answers in Thai and
names the field: no WTForms English ("This field is required.") on a Thai page."""

import importlib
import pkgutil
import re
from datetime import timedelta

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FormField

import eventsys
from eventsys.db import db, utcnow
from eventsys.events.models import Event, EventStaff, Question, QuestionKind

#: an English sentence: three ASCII words in a row
ENGLISH = re.compile(r"[A-Za-z']+(?:[\s,;:]+[A-Za-z']+){2,}")
TOO_LONG = "ก" * 30_001


def _all_form_classes() -> list[type]:
    """Every FlaskForm subclass defined in the app's modules (forms built per event are
    covered through their builders below)."""
    for module in pkgutil.walk_packages(eventsys.__path__, "eventsys."):
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("eventsys.") and "<locals>" not in cls.__qualname__:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _flat(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _flat(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _flat(value)]
    return [str(errors)]


def _bad_values(form, prefix: str = "") -> MultiDict:
    """A value for each field that breaks its shape: over-long text, letters for numbers,
    dates and choices."""
    data = MultiDict()
    for field in form:
        if isinstance(field, FormField):
            data.update(_bad_values(field.form, f"{field.name}-"))
        elif field.type in ("SubmitField", "CSRFTokenField", "BooleanField", "FileField", "FieldList"):
            continue
        else:
            data.add(field.name, TOO_LONG)
    return data


def _questions() -> list[Question]:
    kinds = QuestionKind
    return [
        Question(key="q1", label="อาหาร", kind=kinds.SINGLE_CHOICE, options=["ก", "ข"], is_required=True),
        Question(key="q2", label="ความคาดหวัง", kind=kinds.SHORT_TEXT, is_required=True, position=2),
        Question(key="q3", label="เคยมาไหม", kind=kinds.YES_NO, is_required=True, position=3),
        Question(key="q4", label="หัวข้อ", kind=kinds.MULTIPLE_CHOICE, options=["ก", "ข"], position=4),
    ]


def _event_with_questions() -> Event:
    event = Event(slug="x", title="งาน")
    event.questions.extend(_questions())
    return event


def _builders():
    from eventsys.checkin.forms import walk_in_form_for
    from eventsys.registration.forms import registration_form_for

    yield "registration_form_for", lambda **kw: registration_form_for(_event_with_questions(), "th", **kw)
    yield "walk_in_form_for", lambda **kw: walk_in_form_for(_event_with_questions(), "th", **kw)
    for cls in _all_form_classes():
        yield f"{cls.__module__}.{cls.__qualname__}", cls


def test_every_form_answers_in_thai_naming_the_field(app):
    builders = list(_builders())
    assert len(builders) >= 20, [name for name, _ in builders]  # the collection found the forms
    english: list[str] = []
    with app.test_request_context("/?lang=th"):
        for name, build in builders:
            empty = build(formdata=MultiDict())
            empty.validate()
            long = build(formdata=_bad_values(empty))
            long.validate()
            for message in _flat(empty.errors) + _flat(long.errors):
                if ENGLISH.search(message):
                    english.append(f"{name}: {message}")
            for field in empty:
                if field.type == "HiddenField":  # no label to name: "this field"
                    continue
                for message in field.errors if isinstance(field.errors, list) else []:
                    assert str(field.label.text) in message, f"{name}.{field.name}: {message}"
    assert not english, "\n".join(english)


@pytest.fixture
def thai_pages(client, login, make_user, make_event):
    organizer, staff = make_user("organizer"), make_user("staff")
    event = make_event(owner=organizer, capacity=10, starts_at=utcnow() + timedelta(days=10))
    event.questions.extend(_questions())
    db.session.add(EventStaff(event_id=event.id, user_id=staff.id))
    db.session.commit()
    return event, organizer, staff


def _shown_errors(html: str) -> list[str]:
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    found += re.findall(r'<div class="flash flash-error"[^>]*>(.*?)</div>', html, re.S)
    return found


def test_thai_pages_show_thai_errors_naming_the_field(client, login, thai_pages):
    event, organizer, staff = thai_pages
    long = "ก" * 500
    pages = []
    login(organizer)
    pages.append(client.post("/manage/events/new", data={}))
    pages.append(client.post("/manage/events/new", data={"title": long, "venue": long}))
    pages.append(client.post(f"/manage/events/{event.id}/sessions", data={}, follow_redirects=True))
    pages.append(
        client.post(
            f"/manage/events/{event.id}/sessions", data={"session-title": long}, follow_redirects=True
        )
    )
    pages.append(client.post(f"/e/{event.slug}/register", data={}))
    pages.append(client.post(f"/e/{event.slug}/register", data={"first_name": long, "last_name": long}))
    client.post("/logout")
    login(staff)
    pages.append(client.post(f"/checkin/{event.id}/walk-in", data={}))
    pages.append(client.post(f"/checkin/{event.id}/walk-in", data={"first_name": long, "organization": long}))
    shown = [message for page in pages for message in _shown_errors(page.get_data(as_text=True))]
    assert shown and not [m for m in shown if ENGLISH.search(m)], shown
    everything = " ".join(shown)
    assert "กรุณากรอกชื่อ" in everything and "ชื่อ: ยาวได้ไม่เกิน 120 ตัวอักษร" in everything
    assert "กรุณากรอกรายการในกำหนดการ" in everything  # the agenda form, flashed, names its field
    assert "กรุณาเลือกจังหวัด" in everything and "กรุณาเลือกอาหาร" in everything
