"""Thai translations for SMS, the outbox and failed deliveries. Merged by `make i18n`."""

TH = {
    # eventsys/sms.py
    "Enter a 10-digit mobile number, such as 0812345678.": "กรอกหมายเลขโทรศัพท์มือถือ 10 หลัก เช่น 0812345678",
    "The message is empty.": "ข้อความว่างเปล่า",
    # the outbox and failed deliveries
    "Outbox": "กล่องข้อความขาออก",
    "No SMS gateway is configured: text messages are kept here too.": "ยังไม่ได้ตั้งค่าผู้ให้บริการส่ง SMS: ข้อความ SMS จึงเก็บไว้ที่นี่ด้วย",
    "Failed deliveries": "ข้อความที่ส่งไม่สำเร็จ",
    "These messages were tried several times and not delivered. Fix the cause (the address, the number, the gateway's account), then send them again.": "ระบบพยายามส่งข้อความเหล่านี้หลายครั้งแล้วแต่ส่งไม่สำเร็จ โปรดแก้ไขสาเหตุก่อน (ที่อยู่อีเมล หมายเลขโทรศัพท์ หรือบัญชีผู้ให้บริการส่ง SMS) แล้วจึงส่งอีกครั้ง",
    "Failed at": "เวลาที่ส่งไม่สำเร็จ",
    "Type": "ประเภท",
    "Purpose": "วัตถุประสงค์",
    "Error": "ข้อผิดพลาด",
    "Action": "ดำเนินการ",
    "SMS": "SMS",
    "Send again": "ส่งอีกครั้ง",
    "No failed deliveries.": "ไม่มีข้อความที่ส่งไม่สำเร็จ",
    "Kept messages": "ข้อความที่เก็บไว้",
    "Subject or text": "หัวเรื่องหรือข้อความ",
    "This message is not a failed delivery any more.": "ข้อความนี้ไม่อยู่ในสถานะส่งไม่สำเร็จแล้ว",
    "The message is queued to be sent again.": "นำข้อความเข้าคิวเพื่อส่งอีกครั้งแล้ว",
    # the organizer's console
    "Messages that could not be delivered: %(count)s.": "ข้อความที่ส่งไม่สำเร็จ: %(count)s รายการ",
    "See them and send them again": "ดูรายการและส่งอีกครั้ง",
    "These are e-mails to people of your events; an administrator can send them again from the outbox.": "เป็นอีเมลถึงผู้ลงทะเบียนในงานของคุณ ผู้ดูแลระบบสามารถส่งอีกครั้งได้จากกล่องข้อความขาออก",
}
