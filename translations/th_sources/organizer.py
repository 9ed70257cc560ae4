"""Thai translations for issue 13's organizer and door items (editing in place, deleting a
draft, early warnings). Merged by `make i18n`."""

TH = {
    # editing an agenda item or a question in place
    "Edit agenda item": "แก้ไขหัวข้อในกำหนดการ",
    "Edit question": "แก้ไขคำถาม",
    "The event runs from %(start)s to %(end)s.": "งานจัดตั้งแต่ %(start)s ถึง %(end)s",
    "The agenda item was changed.": "แก้ไขหัวข้อในกำหนดการแล้ว",
    "The question was changed.": "แก้ไขคำถามแล้ว",
    "%(n)s people have answered this question. You may change its text, whether it is required, and add options; its kind and the options people chose stay as they are.": "มีผู้ตอบคำถามนี้แล้ว %(n)s คน แก้ไขข้อความ การบังคับตอบ และเพิ่มตัวเลือกได้ แต่เปลี่ยนรูปแบบคำตอบหรือตัวเลือกที่มีผู้เลือกแล้วไม่ได้",
    "Kind of answer: %(n)s people have already answered this question, so its kind cannot change. Add a new question instead.": "รูปแบบคำตอบ: มีผู้ตอบคำถามนี้แล้ว %(n)s คน จึงเปลี่ยนรูปแบบคำตอบไม่ได้ กรุณาเพิ่มเป็นคำถามใหม่แทน",
    "Options: “%(options)s” was already chosen by someone, so it cannot be removed or renamed. You may add options.": "ตัวเลือก: “%(options)s” มีผู้เลือกแล้ว จึงลบหรือเปลี่ยนชื่อไม่ได้ แต่เพิ่มตัวเลือกใหม่ได้",
    # deleting a draft
    "Delete the draft": "ลบฉบับร่าง",
    "Yes, delete this draft and its agenda and questions": "ยืนยัน ลบฉบับร่างนี้พร้อมกำหนดการและคำถาม",
    "“%(title)s” has never been published and nobody has registered. Deleting it removes it with its agenda and questions; this cannot be undone.": "“%(title)s” ยังไม่เคยเผยแพร่และยังไม่มีผู้ลงทะเบียน การลบจะลบงานนี้พร้อมกำหนดการและคำถามทั้งหมด และกู้คืนไม่ได้",
    "The draft “%(title)s” was deleted.": "ลบฉบับร่าง “%(title)s” แล้ว",
    "Only a draft can be deleted. Close or archive this event instead.": "ลบได้เฉพาะฉบับร่าง กรุณาปิดรับลงทะเบียนหรือเก็บเข้าคลังแทน",
    "People have registered for this event: archive it instead of deleting it.": "มีผู้ลงทะเบียนงานนี้แล้ว กรุณาเก็บเข้าคลังแทนการลบ",
    "This event was published once (its link may be out): archive it instead.": "งานนี้เคยเผยแพร่แล้ว (อาจมีผู้ได้รับลิงก์ไปแล้ว) กรุณาเก็บเข้าคลังแทน",
    "Back": "กลับ",
    # certificates before the event has ended; the hours printed
    "The event has not ended yet: certificates issued now leave out everyone who has not checked in so far. Confirm to issue them before the end.": "งานยังไม่สิ้นสุด เกียรติบัตรที่ออกตอนนี้จะไม่รวมผู้ที่ยังไม่ได้เช็กอิน กรุณายืนยันหากต้องการออกก่อนงานสิ้นสุด",
    "The event has not ended yet (it ends %(date)s at %(time)s). Certificates issued now go only to the people checked in so far, and say they attended a day that may not be over.": "งานยังไม่สิ้นสุด (สิ้นสุด %(date)s เวลา %(time)s) เกียรติบัตรที่ออกตอนนี้จะออกให้เฉพาะผู้ที่เช็กอินแล้ว และรับรองการเข้าร่วมงานที่อาจยังจัดไม่เสร็จ",
    "Issue now anyway, before the event has ended": "ยืนยันออกเกียรติบัตรตอนนี้ แม้งานยังไม่สิ้นสุด",
    "Leave empty to print the agenda's total: %(n)s hours (the sum of its items).": "เว้นว่างไว้เพื่อพิมพ์รวมเวลาของหัวข้อในกำหนดการ: %(n)s ชั่วโมง (ผลรวมของทุกหัวข้อ)",
    "Leave empty to print the event's length: %(n)s hours.": "เว้นว่างไว้เพื่อพิมพ์ความยาวของงาน: %(n)s ชั่วโมง",
    # the door long before the event
    "Not an event day: the event has not started yet. Confirm on the scanner page (API: send confirm_early) to check people in anyway.": "ไม่ใช่วันจัดงาน งานยังไม่เริ่ม หากต้องการเช็กอินจริง กรุณายืนยันที่หน้าสแกน (API: ส่ง confirm_early)",
    "Today is not an event day.": "วันนี้ไม่ใช่วันจัดงาน",
    "The event starts on %(date)s. Check-ins made now would record people as arrived long before the event: is this the right event?": "งานเริ่ม%(date)s การเช็กอินตอนนี้จะบันทึกว่าผู้เข้าร่วมมาถึงก่อนวันงานนาน กรุณาตรวจสอบว่าเป็นงานที่ถูกต้อง",
    "Yes, check people in today anyway": "ยืนยัน เช็กอินวันนี้",
    "Choose another event": "เลือกงานอื่น",
    "Not an event day: the event starts on %(date)s. Check-ins are accepted because you confirmed.": "ไม่ใช่วันจัดงาน (งานเริ่ม%(date)s) รับเช็กอินเพราะคุณยืนยันแล้ว",
    "Not an event day: reload the page and confirm first": "ไม่ใช่วันจัดงาน กรุณาโหลดหน้าใหม่และยืนยันก่อน",
    "Agenda: “%(items)s” would lie outside the event's new dates. Change or remove the item first.": "กำหนดการ: “%(items)s” จะอยู่นอกช่วงวันเวลาใหม่ของงาน กรุณาแก้ไขหรือนำหัวข้อนั้นออกก่อน",
}
