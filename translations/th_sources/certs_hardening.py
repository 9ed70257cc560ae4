"""Thai for issue 14 (certificate serials, SVG limits, the PDF time limit). Merged by `make i18n`."""

TH = {
    # serial numbering
    "Serial number %(serial)s was given to another certificate at the same moment. "
    "Please issue the certificates again.": (
        "เลขที่เกียรติบัตร %(serial)s เพิ่งถูกใช้กับเกียรติบัตรฉบับอื่นในเวลาเดียวกัน กรุณากดออกเกียรติบัตรอีกครั้ง"
    ),
    "Serial number pattern: the printed serial must be at most %(max)d characters.": (
        "รูปแบบเลขที่เกียรติบัตร: เลขที่ที่พิมพ์ออกมาต้องยาวไม่เกิน %(max)d ตัวอักษร"
    ),
    # SVG uploads
    "This SVG file cannot be used: it has more than %(max)d elements.": (
        "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะมีองค์ประกอบมากกว่า %(max)d ชิ้น"
    ),
    "This SVG file cannot be used: it has more than %(max)d <use> elements.": (
        "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะมีองค์ประกอบ <use> มากกว่า %(max)d ชิ้น"
    ),
    "This SVG file cannot be used: a <use> element repeats a part that itself contains <use>.": (
        "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะมี <use> ที่คัดลอกส่วนซึ่งมี <use> อยู่ภายในอีกชั้นหนึ่ง"
    ),
    "This SVG file cannot be used: it sets xml:base.": "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะมีการกำหนด xml:base",
    "This SVG file cannot be used: its styles contain escape sequences (a backslash).": (
        "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะสไตล์ (CSS) ในไฟล์มีรหัสหลีก (เครื่องหมายแบ็กสแลช \\)"
    ),
    # PDF time limit
    "This document took too long to prepare and was stopped. Please try again later; "
    "if it happens again, use simpler images in the certificate design.": (
        "เอกสารนี้ใช้เวลาสร้างนานเกินไป ระบบจึงหยุดการสร้างไว้ กรุณาลองใหม่ภายหลัง "
        "หากยังเกิดซ้ำ กรุณาใช้ภาพที่ซับซ้อนน้อยลงในแบบเกียรติบัตร"
    ),
}
