"""The registration e-mails, in the person's language: confirmation (QR inline and attached,
plus the ``.ics``), pending approval, waitlist, promotion, approval, rejection, cancellation."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from eventsys import qr
from eventsys.db import utcnow
from eventsys.events.ics import event_ics
from eventsys.mail import Attachment, OutgoingMail
from eventsys.registration.models import Registration
from eventsys.registration.services import has_usable_ticket
from eventsys.registration.tickets import signer

SUBJECTS = {
    "confirmed": _l("Your registration is confirmed: %(title)s"),
    "approved": _l("Your registration is approved: %(title)s"),
    "promoted": _l("A seat is now yours: %(title)s"),
    "pending": _l("We received your registration: %(title)s"),
    "waitlisted": _l("You are on the waiting list: %(title)s"),
    "rejected": _l("Your registration was not accepted: %(title)s"),
    "cancelled": _l("Your registration is cancelled: %(title)s"),
}


def manage_url(registration: Registration) -> str:
    token = signer().manage_token(registration.id, registration.ticket_secret)
    return url_for("registration.manage", token=token, _external=True)


def build_notice(registration: Registration, notice: str) -> OutgoingMail:
    """The message for ``notice``; call inside a request context whose host is the public URL."""
    event = registration.event
    with force_locale(registration.language or "th"):
        ticket = has_usable_ticket(registration.status)
        attachments: list[Attachment] = []
        if ticket:
            png = qr.png(signer().token_for(registration.ticket_secret), scale=6)
            attachments.append(Attachment("ticket-qr.png", "image/png", png, content_id="ticket-qr"))
            event_url = url_for("events.detail", slug=event.slug, _external=True)
            ics = event_ics(event, url=event_url, now=utcnow())
            attachments.append(Attachment("event.ics", "text/calendar", ics))
        context = {
            "registration": registration,
            "event": event,
            "volunteer": registration.volunteer,
            "notice": notice,
            "ticket": ticket,
            "manage_url": manage_url(registration),
            "event_url": url_for("events.detail", slug=event.slug, _external=True),
        }
        return OutgoingMail(
            to=registration.volunteer.email,
            subject=str(SUBJECTS[notice] % {"title": event.title}),
            text=render_template("registration/mail/notice_text.html", **context),
            html=render_template("registration/mail/notice.html", **context),
            attachments=attachments,
        )


def base_url() -> str:
    return current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"


# --- identity messages: codes, contact changes, links (SMS and/or e-mail) ----------------------

IDENTITY_SUBJECTS = {
    "code": _l("Your code to confirm it is you: %(code)s"),
    "contact_changed": _l("Your contact details were changed"),
    "link": _l("Your registration link"),
    "review_rejected": _l("We could not confirm your identity"),
}

FIELD_NAMES = {"phone": _l("phone number"), "email": _l("e-mail address")}


def identity_text(message: str, params: dict, *, event_title: str, links: list[tuple[str, str]]) -> str:
    """The text of an identity message in the current locale (short enough for an SMS,
    except the links message, which holds one line per registration)."""
    if message == "code":
        return str(
            _l(
                "Your code is %(code)s to register for %(title)s. It works for 10 minutes. "
                "Never give it to anyone. If you did not ask for it, you need not do anything.",
                code=params["code"],
                title=event_title,
            )
        )
    if message == "contact_changed":
        fields = ", ".join(str(FIELD_NAMES[name]) for name in params.get("fields", []) if name in FIELD_NAMES)
        return str(
            _l(
                "eventsys: the %(fields)s on your volunteer record was changed. If this was not you, "
                "contact the event organizer.",
                fields=fields,
            )
        )
    if message == "review_rejected":
        return str(
            _l(
                "We could not confirm your identity for %(title)s. Please bring your ID card to the "
                "organizer or contact them.",
                title=event_title,
            )
        )
    lines = [str(_l("Your registration link:"))]
    lines += [f"{title}: {url}" for title, url in links]
    return "\n".join(lines)
