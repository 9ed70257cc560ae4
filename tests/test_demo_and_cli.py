"""The demo seed (idempotent, realistic) and the account CLI commands."""

from sqlalchemy import func, select

from eventsys.accounts.models import ApiToken, User
from eventsys.checkin.models import CheckIn
from eventsys.db import db
from eventsys.events.models import Event
from eventsys.registration.models import Registration
from eventsys.volunteers import thai
from eventsys.volunteers.crypto import cipher
from eventsys.volunteers.models import Volunteer


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Event, Volunteer, Registration, CheckIn)
    }


def test_seed_demo_twice_creates_nothing_twice(runner, app):
    first = runner.invoke(args=["seed-demo", "--volunteers", "60"])
    assert first.exit_code == 0, first.output
    assert "admin@eventsys.example" in first.output and "demo-admin-2558" in first.output
    counts = _counts()
    assert counts["User"] == 3 and counts["Volunteer"] == 60 and counts["Registration"] == 50
    assert counts["CheckIn"] > 0
    second = runner.invoke(args=["seed-demo", "--volunteers", "60"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert _counts() == counts


def test_seed_demo_content_is_the_prince_palace_workshop(runner, app):
    runner.invoke(args=["seed-demo", "--volunteers", "30"])
    event = db.session.scalar(select(Event).where(Event.slug == "osm-network-workshop-2558"))
    assert "อพม." in event.title and "ปริ๊นซ์ พาเลซ" in event.venue
    assert event.starts_at.isoformat() == "2015-11-12T03:00:00+00:00"  # 10:00 Bangkok
    assert len(event.sessions) >= 5
    provinces = set()
    for volunteer in db.session.scalars(select(Volunteer)):
        national_id = cipher().decrypt(volunteer.national_id_encrypted)
        assert thai.normalise_national_id(national_id) == national_id  # passes the checksum
        provinces.add(volunteer.province_code)
    assert len(provinces) > 10


def test_seed_if_empty_skips_a_used_database(runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not seeded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_create_user_and_token_then_call_the_api(runner, client):
    result = runner.invoke(
        args=["create-user", "Org@Example.org", "--role", "organizer", "--password", "a long password"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-token", "org@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert db.session.scalar(select(ApiToken)).token_hash != token
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["email"] == "org@example.org"


def test_create_user_generates_a_password_when_none_given(runner):
    result = runner.invoke(args=["create-user", "staff@example.org", "--role", "staff"])
    assert result.exit_code == 0 and "Password: " in result.output


def test_create_user_errors_are_clear(runner, make_user):
    make_user("staff", email="taken@example.org")
    result = runner.invoke(
        args=["create-user", "taken@example.org", "--role", "staff", "--password", "a long password"]
    )
    assert result.exit_code != 0 and "มีบัญชีที่ใช้อีเมลนี้อยู่แล้ว" in result.output
    result = runner.invoke(args=["create-user", "x@example.org", "--role", "boss"])
    assert result.exit_code != 0
    result = runner.invoke(args=["create-token", "nobody@example.org"])
    assert result.exit_code != 0 and "No active account" in result.output
