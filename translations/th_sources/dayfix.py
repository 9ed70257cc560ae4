"""Thai translations for issue 13 (the workshop day as its users live it). Merged by `make i18n`."""

TH = {
    # walk-in asks the event's questions
    "Questions marked * must be answered; the others may be skipped.": "ต้องตอบคำถามที่มีเครื่องหมาย * ส่วนข้ออื่นข้ามได้",
    # event dates (Buddhist-era years, impossible dates)
    "%(field)s: before the year 2000; check the year.": "%(field)s: ก่อนปี ค.ศ. 2000 (พ.ศ. 2543) กรุณาตรวจสอบปี",
    "%(field)s: more than five years ahead; check the year (%(year)s C.E. is %(be_year)s B.E.).": "%(field)s: เกินห้าปีข้างหน้า กรุณาตรวจสอบปี (ค.ศ. %(year)s คือ พ.ศ. %(be_year)s)",
    "Registration closes: must not be after the event ends.": "ปิดรับลงทะเบียน: ต้องไม่เกินเวลาสิ้นสุดของงาน",
    "Agenda item: must lie within the event's start and end (check the date and the year).": "หัวข้อในกำหนดการ: ต้องอยู่ในช่วงเวลาของงาน (กรุณาตรวจสอบวันที่และปี)",
    "%(field)s: the year must be Gregorian (C.E.); %(year)s looks like a Buddhist-era year.": "%(field)s: ต้องใช้ปี ค.ศ. ปี %(year)s น่าจะเป็นปี พ.ศ.",
    "Thailand time. A Buddhist-era year (e.g. 2570) is taken as B.E.": "เวลาประเทศไทย พิมพ์ปีเป็น พ.ศ. ได้ (เช่น 2570)",
}
