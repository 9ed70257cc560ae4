# ruff: noqa: E501  (the notice is prose: one paragraph a line, as the admin form edits it)
"""The built-in privacy notice: version ``2026-11-v1``, the text registrations referred to
before notices became editable.

Frozen: registrations record this version, and the migration that creates the notices table
seeds it from here. Never edit it; an admin publishes a new version at /admin/privacy instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

VERSION = "2026-11-v1"
PUBLISHED_AT = datetime(2026, 11, 1, tzinfo=UTC)

DATA_CONTROLLER = "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ (พม.)"
DPO_CONTACT = (
    "เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
    "1034 ถนนกรุงเกษม แขวงมหานาค เขตป้อมปราบศัตรูพ่าย กรุงเทพฯ 10100 · อีเมล dpo@m-society.go.th · โทร 1300"
)
RETENTION = (
    "10 ปีนับจากวันสิ้นสุดกิจกรรม (ตามระยะเวลาเก็บเอกสารหลักฐานการเบิกจ่ายและเกียรติบัตร) แล้วลบหรือทำให้ไม่สามารถระบุตัวบุคคลได้"
)

BODY_TH = """\
## ผู้ควบคุมข้อมูลส่วนบุคคล
กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ (พม.) เป็นผู้ควบคุมข้อมูลส่วนบุคคลที่ท่านให้ไว้เมื่อลงทะเบียนเข้าร่วมกิจกรรม

## ข้อมูลที่เก็บ
- ชื่อ–นามสกุล คำนำหน้า เลขประจำตัวประชาชนหรือเลขหนังสือเดินทาง
- เบอร์โทรศัพท์ อีเมล จังหวัด หน่วยงาน และประเภทเครือข่าย
- คำตอบของคำถามจากผู้จัด และเวลาลงชื่อเข้างาน

เลขประจำตัวประชาชนจัดเก็บแบบเข้ารหัส และไม่แสดงเต็มจำนวนแก่ผู้ใด ยกเว้นผู้ดูแลระบบซึ่งทุกครั้งที่เปิดดูจะถูกบันทึกไว้

## วัตถุประสงค์
- จัดกิจกรรมอบรม ประชุม หรือสัมมนา และติดต่อท่านเกี่ยวกับกิจกรรม
- ตรวจสอบและบันทึกการเข้าร่วม จัดทำใบลงทะเบียน และเบิกจ่ายค่าใช้จ่ายตามระเบียบราชการ
- ออกเกียรติบัตรหรือวุฒิบัตร และตรวจสอบความถูกต้องของเกียรติบัตร

## ฐานทางกฎหมาย
การเก็บรวบรวมและใช้ข้อมูลข้างต้นเป็นการปฏิบัติหน้าที่ในการดำเนินภารกิจเพื่อประโยชน์สาธารณะ หรือการใช้อำนาจรัฐที่ได้มอบให้แก่กระทรวง ตามมาตรา 24(4) แห่งพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 จึงไม่ต้องขอความยินยอมจากท่าน หากท่านไม่ให้ข้อมูลที่จำเป็น ท่านจะลงทะเบียนเข้าร่วมกิจกรรมไม่ได้

การเผยแพร่ภาพถ่ายของท่าน และการส่งข่าวสารทางอีเมลหรือ LINE เป็นการใช้ข้อมูลที่ไม่จำเป็นต่อการจัดกิจกรรม จะทำเฉพาะเมื่อท่านให้ความยินยอมแยกเป็นรายข้อ และท่านถอนความยินยอมได้ทุกเมื่อจากหน้าการลงทะเบียนของท่าน

## การเปิดเผยข้อมูล
ข้อมูลของท่านใช้ภายในกระทรวงและหน่วยงานในสังกัดที่จัดกิจกรรม อาจเปิดเผยแก่หน่วยงานของรัฐที่มีอำนาจตรวจสอบตามกฎหมาย เช่น สำนักงานการตรวจเงินแผ่นดิน และจะไม่ขายหรือส่งต่อข้อมูลให้ผู้อื่นเพื่อการตลาด

## ระยะเวลาเก็บรักษา
10 ปีนับจากวันสิ้นสุดกิจกรรม ตามระยะเวลาเก็บเอกสารหลักฐานการเบิกจ่ายและเกียรติบัตร จากนั้นจะลบหรือทำให้ไม่สามารถระบุตัวบุคคลได้

## สิทธิของเจ้าของข้อมูล
ท่านมีสิทธิขอเข้าถึงและขอรับสำเนาข้อมูลของท่าน ขอแก้ไขให้ถูกต้อง ขอให้ลบหรือทำให้ไม่สามารถระบุตัวบุคคลได้ ขอให้ระงับการใช้ คัดค้านการเก็บรวบรวมหรือใช้ข้อมูล ถอนความยินยอมที่ให้ไว้ และร้องเรียนต่อสำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล กระทรวงจะดำเนินการตามคำขอภายใน 30 วัน

## ติดต่อเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล
เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ 1034 ถนนกรุงเกษม แขวงมหานาค เขตป้อมปราบศัตรูพ่าย กรุงเทพฯ 10100 อีเมล dpo@m-society.go.th โทร 1300
"""

BODY_EN = """\
## Data controller
The Ministry of Social Development and Human Security (MSDHS) is the data controller of the personal data you give when you register for an event.

## What we collect
- Your title, first and last name, and Thai national ID or passport number
- Your phone number, e-mail, province, organization and network
- Your answers to the organizer's questions, and the times you check in

Your national ID is stored encrypted and never shown in full, except to administrators, and each such viewing is logged.

## Purposes
- Organising the workshop, meeting or seminar, and contacting you about it
- Recording attendance, printing the sign-in sheet, and paying allowances under government rules
- Issuing certificates and letting anyone verify them

## Legal basis
We collect and use these data to carry out a task in the public interest, or in the exercise of official authority vested in the Ministry, under section 24(4) of the Personal Data Protection Act B.E. 2562 (2019). We therefore do not ask for your consent. Without the required details you cannot register.

Publishing photos of you and sending you news by e-mail or LINE are not needed to run the event: we do them only if you consent to each one separately, and you can withdraw at any time from your registration page.

## Who receives your data
The Ministry and its agencies that run the event. State bodies with legal powers of audit, such as the Office of the Auditor General, may see them. We never sell your data or pass it on for marketing.

## How long we keep it
10 years after the event ends (the retention period of disbursement records and certificates); then it is erased or anonymised.

## Your rights
You may ask to access and receive a copy of your data, have it corrected, have it erased or anonymised, restrict or object to its use, withdraw any consent you gave, and complain to the Office of the Personal Data Protection Committee. The Ministry answers requests within 30 days.

## Data protection officer
Data Protection Officer, Ministry of Social Development and Human Security, 1034 Krung Kasem Road, Maha Nak, Pom Prap Sattru Phai, Bangkok 10100; e-mail dpo@m-society.go.th; phone 1300.
"""
