"""Thai for the workshop-day fixes of issue 13 done on main."""

TH = {
    "Serial number": "เลขที่",
    "Heading of the document (e.g. เกียรติบัตร, วุฒิบัตร)": "ชื่อเอกสาร (เช่น เกียรติบัตร วุฒิบัตร)",
    "Done. Moved from the waiting list into the seat: %(names)s.": "เรียบร้อย ผู้ที่ได้ที่นั่งจากรายชื่อสำรอง: %(names)s",
    "Done. Nobody was waiting for the seat.": "เรียบร้อย ไม่มีผู้รอในรายชื่อสำรอง",
}
