"""Thai translations for the privacy notice and optional consents (issue 12 point 9). Merged by `make i18n`."""

TH = {
    # forms: optional consents
    "Photos of me taken at the event may be published (website, Facebook page, reports).": (
        "ยินยอมให้เผยแพร่ภาพถ่ายของข้าพเจ้าที่ถ่ายในกิจกรรม (เว็บไซต์ เพจเฟซบุ๊ก และรายงาน)"
    ),
    "Send me news of future workshops and activities by e-mail.": "ส่งข่าวสารกิจกรรมและการอบรมครั้งต่อไปให้ข้าพเจ้าทางอีเมล",
    "Send me news of future workshops and activities by LINE.": "ส่งข่าวสารกิจกรรมและการอบรมครั้งต่อไปให้ข้าพเจ้าทาง LINE",
    "Save my choices": "บันทึกตัวเลือกของฉัน",
    # forms: the admins' notice form
    "Version": "ฉบับ",
    "e.g. 2026-12-v2; it cannot be changed later.": "เช่น 2026-12-v2 เมื่อเผยแพร่แล้วจะแก้ไขไม่ได้",
    "Data controller": "ผู้ควบคุมข้อมูลส่วนบุคคล",
    "Data protection officer's contact": "ช่องทางติดต่อเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล",
    "Retention period": "ระยะเวลาการเก็บรักษาข้อมูล",
    "Notice in Thai": "ประกาศฉบับภาษาไทย",
    "Notice in English": "ประกาศฉบับภาษาอังกฤษ",
    "Publish this version": "เผยแพร่ฉบับนี้",
    # services
    "No such privacy notice.": "ไม่พบประกาศความเป็นส่วนตัวฉบับนี้",
    "Only administrators may publish the privacy notice.": "เฉพาะผู้ดูแลระบบเท่านั้นที่เผยแพร่ประกาศความเป็นส่วนตัวได้",
    "Version: use 1–40 letters, digits, dots, dashes or underscores, e.g. 2026-12-v2.": (
        "ฉบับ: ใช้ตัวอักษรภาษาอังกฤษ ตัวเลข จุด ขีด หรือขีดล่าง 1–40 ตัว เช่น 2026-12-v2"
    ),
    "Version: this version exists already; published text never changes.": (
        "ฉบับ: มีฉบับนี้อยู่แล้ว ข้อความที่เผยแพร่แล้วจะไม่ถูกเปลี่ยน กรุณาตั้งชื่อฉบับใหม่"
    ),
    "Thai text: please write the notice.": "ข้อความภาษาไทย: กรุณาพิมพ์ข้อความประกาศ",
    "Data controller: please name the data controller.": "ผู้ควบคุมข้อมูลส่วนบุคคล: กรุณาระบุชื่อผู้ควบคุมข้อมูลส่วนบุคคล",
    "DPO contact: please give the data protection officer's contact.": (
        "ช่องทางติดต่อ DPO: กรุณาระบุช่องทางติดต่อเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล"
    ),
    "Retention period: please say how long data are kept.": "ระยะเวลาการเก็บรักษา: กรุณาระบุว่าจะเก็บข้อมูลไว้นานเท่าใด",
    "Consents: use only %(purposes)s.": "ความยินยอม: ใช้ได้เฉพาะ %(purposes)s",
    # views
    "Your choices are saved.": "บันทึกตัวเลือกของท่านแล้ว",
    "Your choices could not be saved. Please try again.": "บันทึกตัวเลือกของท่านไม่สำเร็จ กรุณาลองใหม่อีกครั้ง",
    "Version %(v)s of the privacy notice is published and now current.": (
        "เผยแพร่ประกาศความเป็นส่วนตัวฉบับ %(v)s แล้ว และมีผลใช้เป็นฉบับปัจจุบัน"
    ),
    # templates: the manage page
    "Optional uses of your data": "การใช้ข้อมูลของท่านที่ท่านเลือกได้",
    "Registering needs none of these. Tick what you agree to; untick to withdraw at any time.": (
        "การลงทะเบียนไม่จำเป็นต้องให้ความยินยอมข้อใดเลย ทำเครื่องหมายในข้อที่ท่านยินยอม "
        "และเอาเครื่องหมายออกเพื่อถอนความยินยอมได้ทุกเมื่อ"
    ),
    # templates: the admins' page
    "Every registration records the version of the notice the person was given, so a published version never changes: publish a new version instead. The newest version is the current one.": (
        "การลงทะเบียนทุกรายการบันทึกฉบับของประกาศที่แจ้งแก่ผู้ลงทะเบียนไว้ ฉบับที่เผยแพร่แล้วจึงแก้ไขไม่ได้ "
        "หากต้องการเปลี่ยนข้อความให้เผยแพร่ฉบับใหม่ ฉบับล่าสุดคือฉบับที่มีผลใช้ในปัจจุบัน"
    ),
    "By": "โดย",
    "current": "ฉบับปัจจุบัน",
    "built in": "ฉบับตั้งต้นของระบบ",
    "Publish a new version": "เผยแพร่ฉบับใหม่",
    'Filled in with the current version. Text: paragraphs separated by an empty line, "## " starts a heading, "- " a list item; HTML is shown as typed.': (
        "ระบบกรอกข้อความของฉบับปัจจุบันไว้ให้แล้ว การจัดรูปแบบ: เว้นบรรทัดว่างเพื่อขึ้นย่อหน้าใหม่ "
        'ขึ้นต้นบรรทัดด้วย "## " สำหรับหัวข้อ และ "- " สำหรับรายการ ส่วนโค้ด HTML จะแสดงตามที่พิมพ์'
    ),
    # templates: the notice page
    "Version %(version)s, published %(date)s": "ฉบับ %(version)s เผยแพร่เมื่อ %(date)s",
    "See the current version": "ดูฉบับปัจจุบัน",
    "Legal basis": "ฐานทางกฎหมาย",
    "Public task: section 24(4) of the Personal Data Protection Act B.E. 2562. Registering needs no consent.": (
        "การปฏิบัติหน้าที่เพื่อประโยชน์สาธารณะหรือการใช้อำนาจรัฐ ตามมาตรา 24(4) "
        "แห่งพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 การลงทะเบียนจึงไม่ต้องให้ความยินยอม"
    ),
    "Data protection officer": "เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล",
    # templates: the registration form
    "%(controller)s keeps your name, contact details and answers to organise this workshop, record attendance and issue your certificate. This is its public task (section 24(4) of the Personal Data Protection Act), so registering needs no consent. Your national ID is stored encrypted and never shown in full. Data are kept for: %(retention)s. You may see, correct or ask to erase your data.": (
        "%(controller)s เก็บชื่อ ข้อมูลติดต่อ และคำตอบของท่าน เพื่อจัดกิจกรรมนี้ บันทึกการเข้าร่วม "
        "และออกเกียรติบัตร ซึ่งเป็นการปฏิบัติหน้าที่เพื่อประโยชน์สาธารณะตามมาตรา 24(4) "
        "แห่งพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล การลงทะเบียนจึงไม่ต้องให้ความยินยอม "
        "เลขประจำตัวประชาชนของท่านจัดเก็บแบบเข้ารหัสและไม่แสดงเต็มจำนวน ระยะเวลาเก็บรักษาข้อมูล: %(retention)s "
        "ท่านขอดู ขอแก้ไข หรือขอให้ลบข้อมูลของท่านได้"
    ),
    "Read the full notice (version %(version)s)": "อ่านประกาศฉบับเต็ม (ฉบับ %(version)s)",
    "Open the notice on its own page": "เปิดประกาศในหน้าแยก",
    "Optional: you may also agree to": "ไม่บังคับ: ท่านอาจให้ความยินยอมเพิ่มเติมในเรื่องต่อไปนี้",
    "Each is up to you and does not affect your registration. You can withdraw later from your registration page.": (
        "แต่ละข้อขึ้นอยู่กับความสมัครใจของท่าน และไม่มีผลต่อการลงทะเบียน ท่านถอนความยินยอมภายหลังได้จากหน้าการลงทะเบียนของท่าน"
    ),
}
