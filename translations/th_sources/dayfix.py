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
    # WTForms' own messages, naming the field (eventsys/forms.py)
    "Please fill in %(field)s.": "กรุณากรอก%(field)s",
    "Please choose %(field)s.": "กรุณาเลือก%(field)s",
    "%(field)s: at most %(max)d characters.": "%(field)s: ยาวได้ไม่เกิน %(max)d ตัวอักษร",
    "%(field)s: at least %(min)d characters.": "%(field)s: ต้องมีอย่างน้อย %(min)d ตัวอักษร",
    "%(field)s: exactly %(max)d characters.": "%(field)s: ต้องมี %(max)d ตัวอักษรพอดี",
    "%(field)s: from %(min)d to %(max)d characters.": "%(field)s: ต้องมี %(min)d ถึง %(max)d ตัวอักษร",
    "%(field)s: choose one of the options.": "%(field)s: กรุณาเลือกจากตัวเลือกที่มี",
    "%(field)s: at least %(min)s.": "%(field)s: ต้องไม่น้อยกว่า %(min)s",
    "%(field)s: at most %(max)s.": "%(field)s: ต้องไม่เกิน %(max)s",
    "%(field)s: from %(min)s to %(max)s.": "%(field)s: ต้องอยู่ระหว่าง %(min)s ถึง %(max)s",
    "%(field)s: enter a number.": "%(field)s: กรุณากรอกเป็นตัวเลข",
    "%(field)s: must be the same as %(other_name)s.": "%(field)s: ต้องตรงกับ%(other_name)s",
    "%(field)s: not in the expected form.": "%(field)s: รูปแบบไม่ถูกต้อง",
    "%(field)s: not a valid e-mail address.": "%(field)s: ที่อยู่อีเมลไม่ถูกต้อง",
    "%(field)s: not a valid web address.": "%(field)s: ที่อยู่เว็บไม่ถูกต้อง",
    "%(field)s: “%(value)s” is not one of the options.": "%(field)s: “%(value)s” ไม่ใช่ตัวเลือกที่มี",
    "%(field)s: not a valid date and time.": "%(field)s: วันที่และเวลาไม่ถูกต้อง",
    "%(field)s: not a valid date.": "%(field)s: วันที่ไม่ถูกต้อง",
    "%(field)s: not a valid time.": "%(field)s: เวลาไม่ถูกต้อง",
    "%(field)s: enter a whole number.": "%(field)s: กรุณากรอกเป็นจำนวนเต็ม",
    "%(field)s: this kind of file is not accepted.": "%(field)s: ไม่รับไฟล์ชนิดนี้",
    "%(field)s: this kind of file is not accepted (only {extensions}).": "%(field)s: ไม่รับไฟล์ชนิดนี้ (รับเฉพาะ {extensions})",
    "This field": "ช่องนี้",
    # exports: check-in methods as readers see them
    "Camera scan": "สแกนด้วยกล้อง",
    "Barcode scanner": "เครื่องสแกนบาร์โค้ด",
    "Search by name": "ค้นหาชื่อ",
    "Kiosk": "ตู้ลงทะเบียนด้วยตนเอง",
    "Another system (API)": "ระบบอื่น (API)",
}
