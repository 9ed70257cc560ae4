"""Thai translations for hostile-input hardening (issue 14): spreadsheet limits, JSON
bodies, API field types. Merged by `make i18n`."""

TH = {
    "File: more than %(limit)s rows; split it into smaller files.": "ไฟล์: มีข้อมูลเกิน %(limit)s แถว กรุณาแบ่งเป็นไฟล์ย่อย",
    "File: more than %(limit)s columns; delete the columns that are not needed.": "ไฟล์: มีเกิน %(limit)s คอลัมน์ กรุณาลบคอลัมน์ที่ไม่ใช้",
    "File: row %(row)s has a cell longer than %(limit)s characters; shorten it.": "ไฟล์: แถวที่ %(row)s มีช่องที่ยาวเกิน %(limit)s ตัวอักษร กรุณาตัดให้สั้นลง",
    "File: row %(row)s is not readable CSV.": "ไฟล์: แถวที่ %(row)s อ่านเป็น CSV ไม่ได้",
    "File: the workbook is packed too tightly to be a real spreadsheet; save it again from Excel.": "ไฟล์: ไฟล์ Excel นี้ถูกบีบอัดแน่นผิดปกติจนไม่น่าใช่ตารางข้อมูลจริง กรุณาเปิดแล้วบันทึกใหม่จาก Excel",
    "File: the workbook unpacks to more than %(limit)s MB; split it into smaller files.": "ไฟล์: ไฟล์ Excel นี้เมื่อแตกไฟล์แล้วใหญ่เกิน %(limit)s MB กรุณาแบ่งเป็นไฟล์ย่อย",
    "File: the workbook's text unpacks to more than %(limit)s MB; split it into smaller files.": "ไฟล์: ข้อความในไฟล์ Excel นี้เมื่อแตกไฟล์แล้วใหญ่เกิน %(limit)s MB กรุณาแบ่งเป็นไฟล์ย่อย",
    "The JSON body is nested more than %(limit)s levels deep.": "เนื้อหา JSON ซ้อนกันลึกเกิน %(limit)s ชั้น",
    "%(field)s: text expected.": "%(field)s: ต้องเป็นข้อความ",
    "%(field)s: true or false expected.": "%(field)s: ต้องเป็น true หรือ false",
}
