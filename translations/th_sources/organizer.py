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
}
