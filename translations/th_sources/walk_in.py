"""Thai translations for walk-in registration at the door. Merged by `make i18n`."""

TH = {
    "Walk-in": "ลงทะเบียนหน้างาน",
    "Register and check in": "ลงทะเบียนและเช็กอิน",
    "Registered and checked in: %(name)s": "ลงทะเบียนและเช็กอินแล้ว: %(name)s",
    "Walk-in: register and check in a person without a ticket": "ลงทะเบียนหน้างาน: ลงทะเบียนและเช็กอินผู้ที่ไม่มีบัตร",
    "A person already in the volunteer table (same national ID, or same name and phone) is linked to their record, never added twice.": "ผู้ที่มีข้อมูลในทะเบียนอาสาสมัครอยู่แล้ว (เลขประจำตัวประชาชนเดียวกัน หรือชื่อและเบอร์โทรศัพท์เดียวกัน) จะเชื่อมกับข้อมูลเดิม ไม่บันทึกซ้ำ",
    "e.g. นาย, นาง, นางสาว": "เช่น นาย นาง นางสาว",
    "Back to the scanner": "กลับไปหน้าสแกน",
}
