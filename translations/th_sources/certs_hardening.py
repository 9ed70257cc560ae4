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
}
