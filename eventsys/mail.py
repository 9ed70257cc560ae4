"""Sending e-mail: SMTP when configured, else the outbox (stored files, ``outbox/``).

The outbox keeps the demo and tests offline: each message is an ``.eml`` file that admins
can read in the app, kept ``FILE_RETENTION_DAYS`` and named after the person it is for
(:func:`outbox_key`), so erasing the person removes it. Delivery happens in background
jobs, after the commit that caused it, so mail being down never blocks a registration.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from eventsys.files import FileStore, outbox_owner_prefix


@dataclass
class Attachment:
    filename: str
    content_type: str  # "image/png", "text/calendar", "application/pdf"
    data: bytes
    #: set to show the attachment inline in the HTML part (``<img src="cid:...">``)
    content_id: str | None = None


@dataclass
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def build_message(mail: OutgoingMail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    # one line, whatever the text it was made from holds (an event title with a line break
    # would make the header refuse it, and the mail would never go out)
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "eventsys.local")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
        html_part = message.get_payload()[-1]
        for attachment in mail.attachments:
            if attachment.content_id:
                maintype, subtype = attachment.content_type.split("/", 1)
                html_part.add_related(
                    attachment.data, maintype=maintype, subtype=subtype, cid=f"<{attachment.content_id}>"
                )
    for attachment in mail.attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def outbox_key(suffix: str, *, volunteer_id: int | None = None) -> str:
    """A new outbox key: ``outbox/v12-<random>.eml`` for a message to volunteer 12 (erasing
    them deletes ``outbox/v12-…``), ``outbox/<random>.eml`` otherwise."""
    prefix = outbox_owner_prefix(volunteer_id) if volunteer_id else "outbox/"
    return f"{prefix}{uuid.uuid4().hex}{suffix}"


def deliver(mail: OutgoingMail, *, config: dict, outbox: FileStore, volunteer_id: int | None = None) -> str:
    """Send ``mail``; returns the SMTP message id or the outbox file name (``v12-….eml``).
    Raises on failure (the calling job retries)."""
    message = build_message(mail, sender=config.get("MAIL_SENDER") or "eventsys@localhost")
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
        return str(message["Message-ID"])
    key = outbox.put(outbox_key(".eml", volunteer_id=volunteer_id), bytes(message))
    return key.rsplit("/", 1)[1]
