"""Thai translations for the races and hostile-input work (issue 14). Merged by `make i18n`."""

TH = {
    "This SVG file cannot be used: its elements are nested more than %(max)d levels deep.": "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะมีองค์ประกอบซ้อนกันลึกเกิน %(max)d ชั้น",
    "This SVG file cannot be used: an image inside it is damaged or too large.": "ใช้ไฟล์ SVG นี้ไม่ได้ เพราะรูปภาพที่ฝังอยู่ในไฟล์เสียหายหรือมีขนาดใหญ่เกินไป",
    "Send this form as a web form, not as JSON.": "กรุณาส่งแบบฟอร์มนี้จากหน้าเว็บ ไม่ใช่ในรูปแบบ JSON",
    "%(count)s certificates took too long to prepare and are not in the file (the others are). Use simpler images in the design, then prepare the file again:": "เกียรติบัตร %(count)s ฉบับใช้เวลาสร้างนานเกินไปและไม่ได้อยู่ในไฟล์ (ฉบับอื่นอยู่ครบ) กรุณาใช้รูปภาพที่ซับซ้อนน้อยลงในแบบเกียรติบัตร แล้วสร้างไฟล์ใหม่อีกครั้ง:",
}
TH.update({"%(field)s: unknown field.": "%(field)s: ไม่รู้จักช่องนี้"})
