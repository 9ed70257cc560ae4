"""Thai for issue #13: every page in the reader's language (badge sizes, network types,
commands set as code, examples an English reader can read)."""

TH = {
    # badge sizes on the certificates page
    "A4, 8 per sheet (105 × 74 mm)": "กระดาษ A4 แผ่นละ 8 ดวง (105 × 74 มม.)",
    "A4, 10 per sheet (90 × 55 mm, business card)": "กระดาษ A4 แผ่นละ 10 ดวง (90 × 55 มม. ขนาดนามบัตร)",
    "A4, 14 per sheet (99.1 × 38.1 mm)": "กระดาษ A4 แผ่นละ 14 ดวง (99.1 × 38.1 มม.)",
    "One badge per page (86 × 54 mm card)": "หน้าละ 1 ป้าย (ขนาดบัตร 86 × 54 มม.)",
    # network types: the stored value is the Thai name; these are what readers see
    "Social development volunteer (OSM)": "อพม.",
    "Community organization network": "เครือข่ายองค์กรชุมชน",
    "Local government organization": "องค์กรปกครองส่วนท้องถิ่น",
    "Government agency": "หน่วยงานภาครัฐ",
    "Children and youth council": "สภาเด็กและเยาวชน",
    "Civil society": "ภาคประชาสังคม",
    "Private sector": "ภาคเอกชน",
    # commands are set as code; the sentence around them is translated
    "Create one with: %(command)s": "สร้างโทเคนด้วยคำสั่ง: %(command)s",
    "On the command line: %(commands)s.": "คำสั่งที่ใช้ได้ทางบรรทัดคำสั่ง: %(commands)s",
    # examples an English reader can read (the Thai keeps Thai examples)
    "Heading of the document (e.g. Certificate of Participation)": "ชื่อเอกสาร (เช่น เกียรติบัตร วุฒิบัตร)",
    "For example: MSDHS {n:04d}/{be_year} gives MSDHS 0001/2568; numbers restart each year when the year is printed.": (
        "ตัวอย่าง: พม. {n:04d}/{be_year} จะได้ พม. 0001/2568 และเลขจะเริ่มใหม่ทุกปีเมื่อรูปแบบมีปี"
    ),
    "Mr, Mrs, Miss, Acting Sub-Lt., Dr … or any other title, as the person writes it": (
        "นาย นาง นางสาว ว่าที่ร้อยตรี ดร. … หรือคำนำหน้าอื่นตามที่เจ้าของชื่อใช้"
    ),
    "Position or status (e.g. OSM volunteer)": "ตำแหน่งหรือสถานะ (เช่น อพม.)",
    # the certificates export
    "Issued at": "วันที่ออก",
    "Reason for revoking": "เหตุผลที่เพิกถอน",
    "Verification link": "ลิงก์ตรวจสอบ",
    # why a message in the admins' outbox was sent
    "Moved up from the waiting list": "ได้ที่นั่งจากรายชื่อสำรอง",
    "Approved": "อนุมัติแล้ว",
    "One-time code": "รหัสยืนยันครั้งเดียว",
    "Contact details changed": "แจ้งการเปลี่ยนข้อมูลติดต่อ",
    "Manage link": "ลิงก์จัดการการลงทะเบียน",
    "Identity check rejected": "ไม่ผ่านการตรวจสอบตัวตน",
}
