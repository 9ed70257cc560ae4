"""Nobody can act as someone else: a match on data others can know (national ID, name and
phone) shows, returns and changes nothing until a code sent to a contact already on file
comes back; lost tickets, reissue and the organizer's identity check. Both databases,
real HTTP through the test client, codes read from the real outbox."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from eventsys.accounts.services import create_token
from eventsys.db import db, utcnow
from eventsys.jobs.models import Job
from eventsys.registration import identity
from eventsys.registration.models import IdentityReview, IdentityVerification, Registration
from eventsys.volunteers.models import Volunteer
from tests.fixtures.registration import national_id

VICTIM_ID = national_id(4242)
#: a stranger's API body with the victim's national ID and their own name and phone
STRANGER = {
    "national_id": VICTIM_ID,
    "first_name": "x",
    "last_name": "y",
    "phone": "0899999999",
    "province": "10",
}
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _dashed(nid: str) -> str:
    return f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"


def _victim_form(**kw) -> dict:
    data = {
        "prefix": "mrs", "first_name": "วิไลวรรณ", "last_name": "ทองคำ", "national_id": VICTIM_ID,
        "phone": "0812345678", "email": "wilai@example.org", "province": "10",
    }  # fmt: skip
    data.update(kw)
    return data


def _stranger(**kw) -> dict:
    return _victim_form(
        first_name="คนแปลก", last_name="หน้า", phone="0899999999", email="evil@attacker.test", **kw
    )


def _outbox(app) -> Path:
    return Path(app.instance_path) / "outbox"


def _messages(app) -> list[tuple[str, str]]:
    """(destination, text) of every SMS and e-mail in the outbox."""
    found = []
    folder = _outbox(app)
    for path in sorted(folder.glob("*.sms.txt")) if folder.exists() else []:
        text = path.read_text(encoding="utf-8")
        found.append((re.search(r"0\d{8,9}", text).group(0), text))
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        found.append(
            (str(message["To"]), str(message["Subject"]) + "\n" + (body.get_content() if body else ""))
        )
    return found


def _clear_outbox(app) -> None:
    for path in _outbox(app).glob("*") if _outbox(app).exists() else []:
        path.unlink()


def _code_sent_to(app, destination: str) -> str:
    codes = [
        c
        for to, text in _messages(app)
        if to == destination
        for c in re.findall(r"(?<!\d)(\d{6})(?!\d)", text)
    ]
    assert codes, f"no code sent to {destination}: {_messages(app)}"
    return codes[-1]


@pytest.fixture
def victim(app, client, make_event):
    """A volunteer on file with a confirmed registration at one event, and a second event."""
    first = make_event(capacity=10, starts_at=utcnow() + timedelta(days=5))
    second = make_event(capacity=10, starts_at=utcnow() + timedelta(days=6))
    response = client.post(f"/e/{first.slug}/register", data=_victim_form())
    assert response.status_code == 302 and "/r/" in response.headers["Location"]
    db.session.rollback()
    volunteer = db.session.scalars(select(Volunteer)).one()
    _clear_outbox(app)
    return volunteer, first, second


def _stored(volunteer_id: int) -> tuple:
    db.session.rollback()
    v = db.session.get(Volunteer, volunteer_id)
    return (v.first_name, v.last_name, v.phone, v.email, v.organization, v.province_code)


def _registrations() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Registration))


VICTIM_DATA = ("วิไลวรรณ", "ทองคำ", "0812345678", "081-234-5678", "wilai@example.org")


def _assert_no_victim_data(text: str) -> None:
    for value in VICTIM_DATA:
        assert value not in text
    assert "/r/" not in text and "ticket" not in text.lower().replace("lost-ticket", "")


@pytest.mark.parametrize(
    "how",
    ["id", "id_thai_digits", "id_dashes", "name_and_phone"],
)
def test_a_stranger_on_the_web_form_learns_and_changes_nothing(app, client, victim, how):
    volunteer, first, second = victim
    before = _stored(volunteer.id)
    if how == "id":
        form = _stranger()
    elif how == "id_thai_digits":
        form = _stranger(national_id=VICTIM_ID.translate(THAI_DIGITS))
    elif how == "id_dashes":
        form = _stranger(national_id=_dashed(VICTIM_ID))
    else:  # the victim's name and phone, no ID
        form = _victim_form(national_id="", email="evil@attacker.test")
    for event in (first, second):
        response = client.post(f"/e/{event.slug}/register", data=form)
        assert response.status_code == 302
        location = response.headers["Location"]
        assert "/verify/" in location and "/r/" not in location
        page = client.get(location)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        _assert_no_victim_data(html)
        assert "08x-xxx-5678" in html and "w•••@example.org" in html  # where the code went, masked
    assert _stored(volunteer.id) == before
    assert _registrations() == 1  # only the victim's own
    # the codes went to the victim's own phone and e-mail, never to the stranger's
    destinations = {to for to, _text in _messages(app)}
    assert destinations == {"0812345678", "wilai@example.org"}


@pytest.mark.parametrize("how", ["id", "id_thai_digits", "id_dashes", "name_and_phone"])
def test_a_stranger_on_the_api_gets_202_and_nothing_of_the_person(app, client, victim, how):
    volunteer, first, second = victim
    before = _stored(volunteer.id)
    body = {
        "first_name": "คนแปลก", "last_name": "หน้า", "phone": "0899999999", "email": "evil@attacker.test",
        "province": "10", "national_id": VICTIM_ID,
    }  # fmt: skip
    if how == "id_thai_digits":
        body["national_id"] = VICTIM_ID.translate(THAI_DIGITS)
    elif how == "id_dashes":
        body["national_id"] = _dashed(VICTIM_ID)
    elif how == "name_and_phone":
        body.update(national_id="", first_name="วิไลวรรณ", last_name="ทองคำ", phone="081-234-5678")
    for event in (first, second):
        response = client.post(f"/api/v1/events/{event.id}/registrations", json=body)
        assert response.status_code == 202, response.get_json()
        answer = response.get_json()
        assert set(answer) == {"status", "verification_id", "sent_to"}
        assert answer["status"] == "verification_required"
        assert sorted(answer["sent_to"]) == ["08x-xxx-5678", "w•••@example.org"]
        _assert_no_victim_data(response.get_data(as_text=True))
    assert _stored(volunteer.id) == before
    assert _registrations() == 1


def test_the_code_registers_and_applies_the_typed_contact_telling_the_old_one(app, client, victim):
    """The person themselves, with a new phone: the code goes to the old phone and e-mail;
    after it, the registration is made, the new phone is stored, the old one is told."""
    volunteer, _first, second = victim
    response = client.post(
        f"/api/v1/events/{second.id}/registrations",
        json={"first_name": "วิไลวรรณ", "last_name": "ทองคำ", "national_id": VICTIM_ID, "phone": "0861112222",
              "province": "10"},
    )  # fmt: skip
    verification_id = response.get_json()["verification_id"]
    code = _code_sent_to(app, "0812345678")
    assert _code_sent_to(app, "wilai@example.org") == code
    # the code is stored only as a hash, and gone from the job record once sent
    db.session.rollback()
    stored = db.session.scalars(select(IdentityVerification)).one()
    assert code not in stored.code_hash and all(
        code not in str(job.params) for job in db.session.scalars(select(Job))
    )
    _clear_outbox(app)
    done = client.post(f"/api/v1/verifications/{verification_id}", json={"code": code})
    assert done.status_code == 201, done.get_json()
    answer = done.get_json()
    assert set(answer) == {"registration_id", "status", "ticket_token", "manage_url"}
    assert answer["status"] == "confirmed" and answer["ticket_token"]
    assert _stored(volunteer.id)[2] == "0861112222"
    notices = [text for to, text in _messages(app) if to == "0812345678"]
    assert notices and any("phone number" in text or "หมายเลขโทรศัพท์" in text for text in notices)
    # the code is used up
    replay = client.post(f"/api/v1/verifications/{verification_id}", json={"code": code})
    assert replay.status_code == 410 and replay.get_json()["error"] == "verification_expired"


def test_an_already_registered_person_gets_their_existing_registration_after_the_code(app, client, victim):
    volunteer, first, _second = victim
    response = client.post(f"/e/{first.slug}/register", data=_victim_form())
    location = response.headers["Location"]
    code = _code_sent_to(app, "wilai@example.org")
    page = client.post(location, data={"code": code})
    assert page.status_code == 302 and "/r/" in page.headers["Location"]
    assert _registrations() == 1
    manage = client.get(page.headers["Location"])
    assert manage.status_code == 200 and "วิไลวรรณ" in manage.get_data(as_text=True)


def test_wrong_codes_expiry_and_tries(app, client, victim):
    _volunteer, first, _second = victim
    response = client.post(f"/api/v1/events/{first.id}/registrations", json=STRANGER)
    verification_id = response.get_json()["verification_id"]
    url = f"/api/v1/verifications/{verification_id}"
    code = _code_sent_to(app, "0812345678")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        answer = client.post(url, json={"code": wrong})
        assert answer.status_code == 422 and answer.get_json()["error"] == "invalid"
        assert "code" in answer.get_json()["fields"]
    assert client.post(url, json={"code": wrong}).status_code == 429
    last = client.post(url, json={"code": code})  # even the right code: no tries left
    assert last.status_code in (410, 429)
    assert _registrations() == 1
    # expiry: a fresh verification (a new code voids the old one), then ten minutes pass
    again = client.post(f"/api/v1/events/{first.id}/registrations", json=STRANGER)
    fresh = again.get_json()["verification_id"]
    code = _code_sent_to(app, "0812345678")
    db.session.rollback()
    db.session.execute(
        update(IdentityVerification)
        .where(IdentityVerification.public_id == fresh)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    expired = client.post(f"/api/v1/verifications/{fresh}", json={"code": code})
    assert expired.status_code == 410 and expired.get_json()["error"] == "verification_expired"
    assert (
        client.post("/api/v1/verifications/nope-not-a-real-one", json={"code": "123456"}).status_code == 404
    )
    assert client.post(f"/api/v1/verifications/{fresh}", json={"code": ["1"]}).status_code == 422


def test_a_new_code_voids_the_old_one(app, client, victim):
    _volunteer, first, _second = victim
    body = STRANGER
    old_id = client.post(f"/api/v1/events/{first.id}/registrations", json=body).get_json()["verification_id"]
    old_code = _code_sent_to(app, "0812345678")
    _clear_outbox(app)
    client.post(f"/api/v1/events/{first.id}/registrations", json=body)
    assert client.post(f"/api/v1/verifications/{old_id}", json={"code": old_code}).status_code == 410


def test_codes_are_rate_limited_per_person(app, client, victim):
    _volunteer, first, second = victim
    body = STRANGER
    answers = [
        client.post(f"/api/v1/events/{first.id}/registrations", json=body)
        for _ in range(identity.MAX_CODES_PER_PERSON)
    ]
    assert all(a.status_code == 202 for a in answers)
    refused = client.post(f"/api/v1/events/{second.id}/registrations", json=body)
    assert refused.status_code == 429 and refused.get_json()["error"] == "too_many_requests"
    sms = [to for to, _text in _messages(app) if to == "0812345678"]
    assert len(sms) == identity.MAX_CODES_PER_PERSON


def test_codes_are_rate_limited_per_address(app, client, make_volunteer, make_event):
    event = make_event(capacity=10, starts_at=utcnow() + timedelta(days=5))
    people = [make_volunteer(national_id=national_id(7000 + i), email=f"p{i}@example.org") for i in range(3)]
    app.config["IDENTITY_CHECKS_PER_ADDRESS"] = 2
    answers = [
        client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={**STRANGER, "national_id": national_id(7000 + i)},
        ).status_code
        for i in range(3)
    ]
    assert answers == [202, 202, 429] and len(people) == 3


def test_no_contact_on_file_goes_to_the_organizer_who_decides(
    app, client, make_volunteer, make_event, make_user, login
):
    owner = make_user("organizer")
    event = make_event(owner=owner, capacity=10, starts_at=utcnow() + timedelta(days=5))
    volunteer = make_volunteer(first_name="สมหญิง", national_id=national_id(5151), phone="", email="")
    claim = {
        "first_name": "สมหญิง", "last_name": "ใจดี", "national_id": national_id(5151), "phone": "0865554444",
        "email": "somying@example.org", "province": "10",
    }  # fmt: skip
    response = client.post(f"/api/v1/events/{event.id}/registrations", json=claim)
    assert response.status_code == 202 and response.get_json() == {"status": "identity_review"}
    assert _registrations() == 0 and _stored(volunteer.id)[2:4] == ("", "")
    login(owner)
    manage = client.get(f"/manage/events/{event.id}")
    assert 'id="identity-checks-link"' in manage.get_data(as_text=True)
    page = client.get(f"/manage/events/{event.id}/identity-checks").get_data(as_text=True)
    assert "086-555-4444" in page and "somying@example.org" in page
    db.session.rollback()
    review = db.session.scalars(select(IdentityReview)).one()
    done = client.post(f"/manage/events/{event.id}/identity-checks/{review.id}/confirm")
    assert done.status_code == 302
    assert _registrations() == 1 and _stored(volunteer.id)[2:4] == ("0865554444", "somying@example.org")
    assert any(to == "somying@example.org" and "/r/" in text for to, text in _messages(app))
    again = client.post(f"/manage/events/{event.id}/identity-checks/{review.id}/reject")
    assert again.status_code == 302  # already decided: a message, nothing changes
    assert _stored(volunteer.id)[2:4] == ("0865554444", "somying@example.org")


def test_cannot_receive_the_code_the_organizer_sees_both_claims_and_the_loser_is_told(
    app, client, victim, make_user, login
):
    volunteer, first, second = victim
    owner = make_user("organizer")
    second.owner = owner
    db.session.commit()
    form = _victim_form(phone="0867778888", email="real-wilai@example.org")
    location = client.post(f"/e/{second.slug}/register", data=form).headers["Location"]
    held = client.post(location + "/review")
    assert held.status_code == 302 and held.headers["Location"].endswith("/register/held")
    assert "วิไลวรรณ" not in client.get(held.headers["Location"]).get_data(as_text=True)
    login(owner)
    page = client.get(f"/manage/events/{second.id}/identity-checks").get_data(as_text=True)
    assert "081-234-5678" in page and "086-777-8888" in page  # on file and claimed, side by side
    db.session.rollback()
    review = db.session.scalars(select(IdentityReview)).one()
    _clear_outbox(app)
    client.post(f"/manage/events/{second.id}/identity-checks/{review.id}/reject")
    assert _stored(volunteer.id)[2:4] == ("0812345678", "wilai@example.org")
    assert {to for to, _t in _messages(app)} == {"0867778888", "real-wilai@example.org"}


def test_lost_ticket_answers_are_identical_and_the_link_goes_to_the_contact_on_file(app, client, victim):
    _volunteer, first, _second = victim
    url = f"/api/v1/events/{first.id}/ticket-recovery"
    answers = [
        client.post(url, json=body)
        for body in (
            {"national_id": VICTIM_ID},
            {"national_id": national_id(999)},
            {"phone": "081-234-5678"},
            {"phone": "0899999999"},
            {"email": "wilai@example.org"},
            {"email": "nobody@example.org"},
        )
    ]
    assert {(a.status_code, a.get_data()) for a in answers} == {(202, b'{"status":"sent_if_registered"}\n')}
    sent = _messages(app)
    assert {to for to, _t in sent} == {"0812345678", "wilai@example.org"}
    assert all("/r/" in text for _to, text in sent)
    assert client.post(url, json={"phone": 812345678}).status_code == 422
    assert client.post(url, json={}).status_code == 422
    # the web page says the same thing whoever is typed
    pages = {
        client.post(f"/e/{first.slug}/lost-ticket", data={"lookup": lookup}).get_data(as_text=True)
        for lookup in (VICTIM_ID, national_id(998))
    }
    assert len(pages) == 1 and "recovery-sent" in pages.pop()


def test_reissue_voids_the_old_qr_and_link_and_sends_the_new_one(app, client, victim, make_user):
    volunteer, first, _second = victim
    owner = make_user("organizer")
    first.owner = owner
    db.session.commit()
    staff_token = create_token(db.session, user=owner, name="door")
    db.session.commit()
    registration = db.session.scalars(select(Registration)).one()
    from eventsys.registration.tickets import signer

    old_qr = signer().token_for(registration.ticket_secret)
    old_link = "/r/" + signer().manage_token(registration.id, registration.ticket_secret)
    assert client.get(old_link).status_code == 200
    headers = {"Authorization": f"Bearer {staff_token}"}
    answer = client.post(f"/api/v1/registrations/{registration.id}/reissue", headers=headers)
    assert answer.status_code == 200 and set(answer.get_json()) == {"ticket_token", "manage_url"}
    assert client.get(old_link).status_code == 404
    scan = client.post("/api/v1/checkins", json={"token": old_qr, "event_id": first.id}, headers=headers)
    assert scan.status_code == 404 and scan.get_json()["error"] == "invalid_ticket"
    new_qr = answer.get_json()["ticket_token"]
    assert client.post(
        "/api/v1/checkins",
        json={"token": new_qr, "event_id": first.id, "confirm_early": True},  # the event is days ahead
        headers=headers,
    ).status_code in (
        200,
        201,
    )
    assert any("/r/" in text and to == "0812345678" for to, text in _messages(app))
    # the person's own reissue, from the manage page: the link they hold changes again
    new_link = answer.get_json()["manage_url"].split("localhost", 1)[-1]
    new_link = new_link[new_link.index("/r/") :]
    done = client.post(new_link + "/reissue")
    assert done.status_code == 302 and done.headers["Location"] != new_link
    assert client.get(new_link).status_code == 404
    assert client.get(done.headers["Location"]).status_code == 200
    # and with a forged manage token, nothing happens
    forged = client.post(
        f"/api/v1/registrations/{registration.id}/reissue", headers={"X-Manage-Token": "1-xyz"}
    )
    assert forged.status_code == 403


def test_a_walk_in_matching_a_record_is_linked_only_after_the_staff_checks_the_id_card(
    app, client, victim, make_user, assign_staff, login
):
    volunteer, _first, second = victim
    staff = make_user("staff")
    assign_staff(staff, second)
    login(staff)
    assert client.post(f"/checkin/{second.id}/open-early").status_code == 302  # days ahead
    form = {"first_name": "คนแปลก", "last_name": "หน้า", "national_id": VICTIM_ID, "phone": "0899999999"}
    page = client.post(f"/checkin/{second.id}/walk-in", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="identity-match"' in html
    assert "08x-xxx-5678" in html and "0812345678" not in html and "ทองคำ" not in html
    assert _registrations() == 1
    confirmed = client.post(
        f"/checkin/{second.id}/walk-in", data={**form, "confirm_volunteer": str(volunteer.id)}
    )
    assert confirmed.status_code == 302
    assert _registrations() == 2
    assert _stored(volunteer.id)[:4] == (
        "วิไลวรรณ",
        "ทองคำ",
        "0812345678",
        "wilai@example.org",
    )  # not overwritten
    # a confirmation for another record than the one these details match is refused
    other = {**form, "national_id": national_id(31337), "confirm_volunteer": str(volunteer.id)}
    assert client.post(f"/checkin/{second.id}/walk-in", data=other).status_code == 200
    assert _registrations() == 2


def test_verifications_are_purged_a_day_after_they_end(app, client, victim):
    _volunteer, first, _second = victim
    client.post(f"/e/{first.slug}/register", data=_stranger())
    db.session.rollback()
    assert identity.purge_expired(db.session, now=utcnow()) == 0
    assert identity.purge_expired(db.session, now=utcnow() + timedelta(days=2)) == 1
    db.session.commit()


def test_a_contact_change_from_the_manage_page_is_told_to_the_old_contact(app, client, victim):
    from eventsys.registration.tickets import signer

    volunteer, _first, _second = victim
    registration = db.session.scalars(select(Registration)).one()
    link = "/r/" + signer().manage_token(registration.id, registration.ticket_secret)
    answer = client.post(
        link + "/contact", data={"phone": "0863334444", "email": "new@example.org", "language": "th"}
    )
    assert answer.status_code == 302
    assert _stored(volunteer.id)[2:4] == ("0863334444", "new@example.org")
    told = {to for to, text in _messages(app) if "eventsys" in text}
    assert told == {"0812345678", "wilai@example.org"}


def test_parallel_guesses_get_five_tries_between_them(app, client, victim, backend):
    """Fifty wrong codes sent at once: the tries are counted one after another (a row lock),
    so no more than five are ever checked."""
    from concurrent.futures import ThreadPoolExecutor

    _volunteer, first, _second = victim
    verification_id = client.post(f"/api/v1/events/{first.id}/registrations", json=STRANGER).get_json()[
        "verification_id"
    ]
    code = _code_sent_to(app, "0812345678")
    wrong = [f"{(int(code) + k) % 10**6:06d}" for k in range(1, 51)]

    def guess(value: str) -> int:
        return (
            app.test_client()
            .post(f"/api/v1/verifications/{verification_id}", json={"code": value})
            .status_code
        )

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(guess, wrong))
    assert statuses.count(422) == 4 and statuses.count(422) + statuses.count(429) == 50
    db.session.rollback()
    stored = db.session.scalars(select(IdentityVerification)).one()
    assert stored.attempts == 5 and stored.verified_at is None


def test_two_claimants_each_get_a_claim_and_the_loser_is_told(app, client, victim, make_user, login):
    volunteer, _first, second = victim
    owner = make_user("organizer")
    second.owner = owner
    db.session.commit()
    for phone, email in (("0867778888", "a@example.org"), ("0865556666", "b@example.org")):
        location = client.post(
            f"/e/{second.slug}/register", data=_victim_form(phone=phone, email=email)
        ).headers["Location"]
        assert client.post(location + "/review").status_code == 302
    db.session.rollback()
    claims = db.session.scalars(select(IdentityReview).order_by(IdentityReview.id)).all()
    assert len(claims) == 2
    login(owner)
    _clear_outbox(app)
    client.post(f"/manage/events/{second.id}/identity-checks/{claims[1].id}/confirm")
    db.session.rollback()
    assert [
        c.status.value for c in db.session.scalars(select(IdentityReview).order_by(IdentityReview.id))
    ] == [
        "rejected",
        "confirmed",
    ]
    assert _stored(volunteer.id)[2:4] == ("0865556666", "b@example.org")
    told = {to for to, _t in _messages(app)}
    assert {"0867778888", "a@example.org", "0812345678", "wilai@example.org"} <= told


def test_a_new_verification_sweeps_away_those_ended_over_a_day_ago(app, client, victim):
    _volunteer, first, _second = victim
    old_id = client.post(f"/api/v1/events/{first.id}/registrations", json=STRANGER).get_json()[
        "verification_id"
    ]
    db.session.rollback()
    db.session.execute(
        update(IdentityVerification)
        .where(IdentityVerification.public_id == old_id)
        .values(expires_at=utcnow() - timedelta(days=2), code_sent_at=utcnow() - timedelta(days=2))
    )
    db.session.commit()
    client.post(f"/api/v1/events/{first.id}/registrations", json=STRANGER)
    db.session.rollback()
    assert [v.public_id for v in db.session.scalars(select(IdentityVerification))] != [old_id]
    assert old_id not in {v.public_id for v in db.session.scalars(select(IdentityVerification))}
