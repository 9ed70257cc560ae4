"""Thai translations for issue 13 (the workshop day as its users live it). Merged by `make i18n`."""

TH = {
    # walk-in asks the event's questions
    "Questions marked * must be answered; the others may be skipped.": "ต้องตอบคำถามที่มีเครื่องหมาย * ส่วนข้ออื่นข้ามได้",
}
