"""Sending SMS: ThaiBulkSMS's HTTP gateway when configured, else the outbox (stored files,
``outbox/``, see ``eventsys.mail.outbox_key``).

``SMS_BACKEND`` chooses: ``outbox`` (the default) writes each message as a
``<uuid>.sms.txt`` file that admins read in the app, so the demo and tests stay offline;
``thaibulksms`` posts it to the gateway's API v2. Like e-mail, an SMS is a background job
(kind ``sms``, retried) queued in the transaction that caused it and started after its
commit: :func:`queue_sms`. The text of a message is never written to the log; a number only
masked.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from flask_babel import lazy_gettext as _l

from eventsys.errors import RuleViolation
from eventsys.files import FileStore
from eventsys.jobs.models import Job
from eventsys.jobs.services import create_job, queue_after_commit
from eventsys.masking import mask_phone

SMS_JOB = "sms"
BACKENDS = ("outbox", "thaibulksms")
#: ThaiBulkSMS API v2: form-encoded POST, HTTP Basic auth with the API key and secret
THAIBULKSMS_URL = "https://api-v2.thaibulksms.com/sms"
OUTBOX_SUFFIX = ".sms.txt"


class SmsNotSent(Exception):
    """The gateway did not take the message (refused number, error answer, no answer).

    The message says why without the text or the whole number; the job retries."""


@dataclass
class OutgoingSms:
    to: str  #: 10 digits, national form: 0812345678
    text: str


def normalise_number(number: str) -> str:
    """A Thai mobile number in the 10-digit national form the gateway takes
    (``+66 81-234-5678`` → ``0812345678``); raises ``RuleViolation`` for anything else."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) != 10 or not digits.startswith("0"):
        raise RuleViolation(_l("Enter a 10-digit mobile number, such as 0812345678."), field="to")
    return digits


def queue_sms(session, *, to: str, text: str, purpose: str, volunteer_id: int | None = None) -> Job:
    """Send ``text`` to ``to`` once this session's transaction commits (nothing is sent for
    a rolled-back change); the caller commits, then calls ``jobs.tasks.enqueue_queued`` (or
    ``registration.tasks.commit_and_notify``). ``purpose`` says why, for the admins' list of
    failed deliveries (``"ticket_reminder"``). Raises ``RuleViolation`` for a number that is
    not a Thai mobile number or an empty text."""
    number = normalise_number(to)
    if not text.strip():
        raise RuleViolation(_l("The message is empty."), field="text")
    params: dict = {"to": number, "text": text, "purpose": purpose}
    if volunteer_id:  # names its outbox file, so erasing the person removes it
        params["volunteer_id"] = volunteer_id
    job = create_job(session, kind=SMS_JOB, params=params)
    queue_after_commit(session, job)
    return job


def deliver_sms(sms: OutgoingSms, *, config: dict, outbox: FileStore, volunteer_id: int | None = None) -> str:
    """Send ``sms`` through ``config["SMS_BACKEND"]``; returns the gateway's message id or
    the outbox file name. Raises :class:`SmsNotSent` (the calling job retries)."""
    backend = config.get("SMS_BACKEND") or "outbox"
    if backend == "thaibulksms":
        return send_thaibulksms(sms, config=config)
    if backend == "outbox":
        return write_to_outbox(sms, outbox=outbox, volunteer_id=volunteer_id)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}: use one of {', '.join(BACKENDS)}")


def write_to_outbox(sms: OutgoingSms, *, outbox: FileStore, volunteer_id: int | None = None) -> str:
    """One stored file per message (owner-only on disk, written whole); returns its name."""
    from eventsys.mail import outbox_key

    content = f"To: {sms.to}\nDate: {formatdate(localtime=False)}\n\n{sms.text}\n"
    key = outbox.put(outbox_key(OUTBOX_SUFFIX, volunteer_id=volunteer_id), content.encode("utf-8"))
    return key.rsplit("/", 1)[1]


def read_outbox_file(path: Path) -> dict[str, str]:
    """The number, date and text of an outbox SMS file (as :func:`write_to_outbox` wrote it)."""
    return parse_outbox_sms(path.read_bytes())


def parse_outbox_sms(content: bytes) -> dict[str, str]:
    """The number, date and text of an outbox SMS (as :func:`write_to_outbox` wrote it)."""
    head, _blank, text = content.decode("utf-8").partition("\n\n")
    headers = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    return {"to": headers.get("To", ""), "date": headers.get("Date", ""), "text": text.rstrip("\n")}


def send_thaibulksms(sms: OutgoingSms, *, config: dict) -> str:
    """Post ``sms`` to ThaiBulkSMS; returns its message id.

    The gateway answers 2xx with ``phone_number_list`` (sent) and ``bad_phone_number_list``
    (refused), or 4xx/5xx with ``{"error": {"code", "name", "description"}}``. A refused
    number, an error answer, an answer without our number and a timeout all raise
    :class:`SmsNotSent`.
    """
    fields = {"msisdn": sms.to, "message": sms.text}
    if config.get("SMS_SENDER"):
        fields["sender"] = config["SMS_SENDER"]
    credentials = f"{config.get('SMS_API_KEY') or ''}:{config.get('SMS_API_SECRET') or ''}"
    request = Request(
        config.get("SMS_API_URL") or THAIBULKSMS_URL,
        data=urlencode(fields).encode(),
        method="POST",
        headers={
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode("ascii"),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    masked = mask_phone(sms.to)
    try:
        with urlopen(request, timeout=float(config.get("SMS_TIMEOUT") or 10)) as response:
            answer = _json(response.read())
    except HTTPError as error:
        detail = _json(error.read()).get("error") or {}
        description = detail.get("description") or detail.get("name") or error.reason
        raise SmsNotSent(f"gateway answered {error.code} for {masked}: {description}") from None
    except OSError as error:  # URLError, a refused connection, TimeoutError
        reason = getattr(error, "reason", None) or error
        raise SmsNotSent(f"gateway not reached for {masked}: {type(reason).__name__}: {reason}") from None
    for refused in answer.get("bad_phone_number_list") or []:
        raise SmsNotSent(f"gateway refused {masked}: {refused.get('message') or 'bad number'}")
    for sent in answer.get("phone_number_list") or []:
        if _same_number(str(sent.get("number", "")), sms.to):
            return str(sent.get("message_id") or "")
    raise SmsNotSent(f"gateway did not list {masked} as sent")


def _same_number(answered: str, number: str) -> bool:
    """The gateway may answer with the international form (66812345678)."""
    digits = "".join(ch for ch in answered if ch.isdigit())
    return digits == number or (digits.startswith("66") and "0" + digits[2:] == number)


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
