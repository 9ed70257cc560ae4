"""Demo data: the Prince Palace workshop of 12 Nov 2015 (B.E. 2558), its people and logins.

Deterministic (a fixed random seed) and idempotent: running it again finds the same
accounts, event, volunteers (by national ID) and registrations and creates nothing twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from eventsys.accounts.models import Role, User
from eventsys.accounts.services import create_user
from eventsys.checkin.models import CheckIn, CheckInMethod
from eventsys.events.models import (
    AgendaSession,
    Event,
    EventStaff,
    EventStatus,
    Question,
    QuestionKind,
)
from eventsys.privacy.services import current_notice_version
from eventsys.registration.models import Registration, RegistrationSource, RegistrationStatus
from eventsys.registration.services import new_ticket_secret
from eventsys.volunteers import thai
from eventsys.volunteers.crypto import IdCipher
from eventsys.volunteers.services import VolunteerData, save_volunteer

DEMO_LOGINS = (
    ("admin@eventsys.example", "admin", "demo-admin-2558", "ผู้ดูแลระบบ"),
    ("organizer@eventsys.example", "organizer", "demo-organizer-2558", "สมหญิง ประสานงาน"),
    ("staff@eventsys.example", "staff", "demo-staff-2558", "สมปอง หน้างาน"),
)
WORKSHOP_SLUG = "osm-network-workshop-2558"
WORKSHOP_TITLE = "การประชุมเชิงปฏิบัติการเสริมสร้างความร่วมมือในการส่งเสริมบทบาท อพม. และเครือข่าย พม. ในการพัฒนาท้องถิ่น"
FOLLOW_UP_SLUG = "osm-network-follow-up-2570"
BANGKOK = timedelta(hours=7)

FIRST_NAMES_M = (
    "สมชาย", "ประเสริฐ", "บุญมี", "สุนทร", "ณัฐพล", "เอกชัย", "ไพโรจน์", "ทองใบ", "ธนากร",
    "ชูชาติ", "วันชัย", "เกษม", "อำนาจ", "โชคชัย", "ใจเพชร", "แสวง", "เฉลิม", "ยุทธนา",
)  # fmt: skip
FIRST_NAMES_F = (
    "สมศรี", "วิไลวรรณ", "มาลี", "อรุณี", "กาญจนา", "ปิยะนุช", "แสงเดือน", "อำไพ", "จันทร์เพ็ญ",
    "ศิริพร", "อุไรวรรณ", "โสภา", "เยาวลักษณ์", "นิตยา", "บุญเรือน", "ประภาพร", "ไพลิน", "เพ็ญศรี",
)  # fmt: skip
LAST_NAMES = (
    "ใจดี", "แก้วมณี", "ศรีสุข", "บุญประเสริฐ", "ทองคำ", "วงศ์สวัสดิ์", "เพชรรัตน์", "สุขสมบูรณ์",
    "จันทร์หอม", "พรหมมา", "แสงทอง", "อินทร์แก้ว", "ชัยมงคล", "ปัญญาดี", "รักษาพล", "ศรีวงศ์",
    "โพธิ์ทอง", "มีสุข", "ยิ้มแย้ม", "เรืองศรี", "ไชยวงศ์", "เหมือนแก้ว", "โคตรพันธ์", "ฤทธิ์เดช",
)  # fmt: skip
NETWORK_TYPES = (
    "อพม.", "อพม.", "อพม.", "เครือข่ายองค์กรชุมชน", "องค์กรปกครองส่วนท้องถิ่น",
    "สภาเด็กและเยาวชน", "ภาคประชาสังคม", "ภาคเอกชน",
)  # fmt: skip


@dataclass
class DemoSummary:
    logins: tuple[tuple[str, str, str, str], ...]
    event: Event
    volunteers: int
    registrations: int
    check_ins: int


def _bkk(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Bangkok wall-clock time as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - BANGKOK


def demo_national_id(rng: random.Random) -> str:
    first12 = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first12 + str(thai.national_id_check_digit(first12))


def _ensure_user(session, email: str, role: str, password: str, name: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    return user or create_user(session, email=email, role=Role(role), password=password, full_name=name)


def _ensure_workshop(session, owner: User) -> Event:
    event = session.scalar(select(Event).where(Event.slug == WORKSHOP_SLUG))
    if event:
        return event
    event = Event(
        slug=WORKSHOP_SLUG,
        title=WORKSHOP_TITLE,
        description=(
            "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์จัดการประชุมเชิงปฏิบัติการสำหรับ"
            "อาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.) และเครือข่าย พม. "
            "เพื่อแลกเปลี่ยนประสบการณ์ เสริมสร้างความร่วมมือ และวางแนวทางการพัฒนาท้องถิ่นร่วมกัน"
        ),
        venue="โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพฯ",
        address="488/800 ถนนกรุงเกษม แขวงวัดเทพศิรินทร์ เขตป้อมปราบศัตรูพ่าย กรุงเทพมหานคร 10100",
        map_url="https://www.openstreetmap.org/search?query=Prince%20Palace%20Hotel%20Bangkok",
        organizer_unit="กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
        starts_at=_bkk(2015, 11, 12, 10),
        ends_at=_bkk(2015, 11, 12, 16, 30),
        capacity=400,
        registration_opens_at=_bkk(2015, 10, 1, 8),
        registration_closes_at=_bkk(2015, 11, 11, 16, 30),
        status=EventStatus.PUBLISHED,
        waitlist_enabled=True,
        owner=owner,
    )
    agenda = (
        ("ลงทะเบียนและรับเอกสาร", (9, 0), (10, 0), "หน้าห้องแกรนด์บอลรูม"),
        ("พิธีเปิดและบรรยายพิเศษ “บทบาท อพม. กับการพัฒนาสังคมในระดับพื้นที่”", (10, 0), (10, 45), "แกรนด์บอลรูม"),
        ("เสวนา “เครือข่าย พม. กับการพัฒนาท้องถิ่นอย่างยั่งยืน”", (10, 45), (12, 0), "แกรนด์บอลรูม"),
        ("รับประทานอาหารกลางวัน", (12, 0), (13, 0), "ห้องอาหาร"),
        (
            "ประชุมกลุ่มย่อย: การสร้างความร่วมมือระหว่าง อพม. กับเครือข่ายในพื้นที่",
            (13, 0),
            (15, 0),
            "ห้องประชุมย่อย 1–4",
        ),
        ("นำเสนอผลการประชุมกลุ่มและพิธีปิด", (15, 0), (16, 30), "แกรนด์บอลรูม"),
    )
    for title, start, end, room in agenda:
        event.sessions.append(
            AgendaSession(
                title=title,
                starts_at=_bkk(2015, 11, 12, *start),
                ends_at=_bkk(2015, 11, 12, *end),
                room=room,
            )
        )
    event.questions.append(
        Question(
            key="diet",
            label="อาหารที่รับประทาน",
            kind=QuestionKind.SINGLE_CHOICE,
            options=["ทั่วไป", "มังสวิรัติ", "อาหารฮาลาล", "เจ"],
            is_required=True,
            position=1,
        )
    )
    event.questions.append(
        Question(key="travel", label="ต้องการเบิกค่าเดินทางหรือไม่", kind=QuestionKind.YES_NO, position=2)
    )
    session.add(event)
    session.flush()
    return event


def _ensure_follow_up(session, owner: User, now: datetime) -> Event:
    event = session.scalar(select(Event).where(Event.slug == FOLLOW_UP_SLUG))
    if event:
        return event
    start = (now + timedelta(days=45)).replace(hour=3, minute=0, second=0, microsecond=0)
    event = Event(
        slug=FOLLOW_UP_SLUG,
        title="การประชุมติดตามผลการดำเนินงานเครือข่าย อพม. ระดับภูมิภาค",
        description="ติดตามผลการดำเนินงานหลังการประชุมเชิงปฏิบัติการ และแลกเปลี่ยนแนวปฏิบัติที่ดีของแต่ละจังหวัด",
        venue="โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพฯ",
        address="488/800 ถนนกรุงเกษม เขตป้อมปราบศัตรูพ่าย กรุงเทพมหานคร 10100",
        organizer_unit="กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        capacity=150,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=start - timedelta(days=1),
        status=EventStatus.PUBLISHED,
        waitlist_enabled=True,
        owner=owner,
    )
    event.sessions.append(
        AgendaSession(title="พิธีเปิด", starts_at=start, ends_at=start + timedelta(hours=1), room="แกรนด์บอลรูม")
    )
    event.sessions.append(
        AgendaSession(
            title="แลกเปลี่ยนแนวปฏิบัติที่ดี",
            starts_at=start + timedelta(hours=1),
            ends_at=start + timedelta(hours=6),
            room="แกรนด์บอลรูม",
        )
    )
    session.add(event)
    session.flush()
    return event


def seed_demo(session, *, cipher: IdCipher, now: datetime, volunteers: int = 300) -> DemoSummary:
    """Create (or find) the demo accounts, events, volunteers, registrations and check-ins."""
    users = {role: _ensure_user(session, email, role, pw, name) for email, role, pw, name in DEMO_LOGINS}
    workshop = _ensure_workshop(session, users["organizer"])
    _ensure_follow_up(session, users["organizer"], now)
    if not session.get(EventStaff, (workshop.id, users["staff"].id)):
        session.add(EventStaff(event_id=workshop.id, user_id=users["staff"].id))

    sessions = list(workshop.sessions)
    notice_version = current_notice_version(session)
    existing = {
        r.volunteer_id: r
        for r in session.scalars(select(Registration).where(Registration.event_id == workshop.id))
    }
    check_ins = 0
    for index in range(volunteers):
        rng = random.Random(2558_00000 + index)  # per person, so a re-run makes the same people
        female = rng.random() < 0.62
        first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        province = rng.choice(thai.PROVINCES)
        network = rng.choice(NETWORK_TYPES)
        data = VolunteerData(
            prefix=("นาง" if rng.random() < 0.5 else "นางสาว") if female else "นาย",
            first_name=first,
            last_name=rng.choice(LAST_NAMES),
            national_id=demo_national_id(rng),
            phone="0" + rng.choice("689") + "".join(str(rng.randint(0, 9)) for _ in range(8)),
            province=province.code,
            organization=(
                f"สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{province.th}"
                if province.code != "10"
                else "สำนักงานพัฒนาสังคมกรุงเทพมหานคร"
            ),
            position="อพม." if network == "อพม." else "ผู้แทนเครือข่าย",
            network_type=network,
            consent=True,
        )
        registered = _bkk(2015, 10, 1, 9) + timedelta(minutes=index * 97)
        volunteer, _created = save_volunteer(session, data, cipher=cipher, now=registered)
        if index % 6 == 5 or volunteer.id in existing:
            continue  # some volunteers are in the registry without registering
        registration = Registration(
            event_id=workshop.id,
            volunteer_id=volunteer.id,
            status=RegistrationStatus.CANCELLED if index % 25 == 0 else RegistrationStatus.CONFIRMED,
            ticket_secret=new_ticket_secret(),
            source=RegistrationSource.SELF,
            answers={
                "diet": rng.choice(["ทั่วไป", "ทั่วไป", "มังสวิรัติ", "อาหารฮาลาล"]),
                "travel": rng.random() < 0.4,
            },
            consent_version=notice_version,  # the privacy notice each registration was given
            created_at=registered,
            confirmed_at=registered,
        )
        session.add(registration)
        existing[volunteer.id] = registration
        if registration.status == RegistrationStatus.CONFIRMED and rng.random() < 0.8:
            session.flush()
            arrived = _bkk(2015, 11, 12, 9, 0) + timedelta(
                minutes=rng.randint(0, 75), seconds=rng.randint(0, 59)
            )
            session.add(
                CheckIn(
                    registration_id=registration.id,
                    checked_in_at=arrived,
                    recorded_at=arrived,
                    staff_user_id=users["staff"].id,
                    device="demo",
                    method=CheckInMethod.CAMERA,
                )
            )
            check_ins += 1
            for agenda_item in sessions[1:]:
                if rng.random() < 0.85:
                    session.add(
                        CheckIn(
                            registration_id=registration.id,
                            session_id=agenda_item.id,
                            checked_in_at=agenda_item.starts_at,
                            recorded_at=agenda_item.starts_at,
                            staff_user_id=users["staff"].id,
                            device="demo",
                            method=CheckInMethod.CAMERA,
                        )
                    )
    session.flush()
    return DemoSummary(
        logins=DEMO_LOGINS,
        event=workshop,
        volunteers=volunteers,
        registrations=len(existing),
        check_ins=check_ins,
    )
