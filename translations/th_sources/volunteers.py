"""Thai translations for the volunteer registry (issue 3). Merged by `make i18n`."""

TH = {
    # forms
    "— choose —": "— เลือก —",
    "Title": "คำนำหน้า",
    "First name": "ชื่อ",
    "Last name": "นามสกุล",
    "First name (English)": "ชื่อ (ภาษาอังกฤษ)",
    "Last name (English)": "นามสกุล (ภาษาอังกฤษ)",
    "National ID": "เลขประจำตัวประชาชน",
    "Passport number (people without a Thai ID)": "เลขหนังสือเดินทาง (สำหรับผู้ที่ไม่มีบัตรประชาชนไทย)",
    "Phone": "เบอร์โทรศัพท์",
    "Province": "จังหวัด",
    "District": "อำเภอ/เขต",
    "Organization": "หน่วยงาน",
    "Position or status (e.g. อพม.)": "ตำแหน่งหรือสถานะ (เช่น อพม.)",
    "Network type": "ประเภทเครือข่าย",
    "Language for e-mail": "ภาษาที่ใช้ในอีเมล",
    "The person has been given the privacy notice": "ได้แจ้งประกาศความเป็นส่วนตัวแก่บุคคลนี้แล้ว",
    "Save": "บันทึก",
    "Spreadsheet (.xlsx or .csv)": "ไฟล์ตาราง (.xlsx หรือ .csv)",
    "Preview": "ดูตัวอย่าง",
    "Import": "นำเข้า",
    "Merge": "รวมระเบียน",
    # services
    "This person's data was erased; the record cannot be edited.": "ข้อมูลของบุคคลนี้ถูกลบแล้ว จึงแก้ไขระเบียนไม่ได้",
    "National ID: already belongs to another record; merge the two records instead.": (
        "เลขประจำตัวประชาชน: เลขนี้เป็นของอีกระเบียนหนึ่งแล้ว กรุณารวมสองระเบียนเข้าด้วยกันแทน"
    ),
    "Passport number: already belongs to another record; merge the two records instead.": (
        "เลขหนังสือเดินทาง: เลขนี้เป็นของอีกระเบียนหนึ่งแล้ว กรุณารวมสองระเบียนเข้าด้วยกันแทน"
    ),
    "No such person.": "ไม่พบบุคคลนี้",
    "Only administrators may see full national IDs.": "เฉพาะผู้ดูแลระบบเท่านั้นที่ดูเลขประจำตัวประชาชนเต็มได้",
    "Only administrators may export a person's data.": "เฉพาะผู้ดูแลระบบเท่านั้นที่ส่งออกข้อมูลของบุคคลได้",
    "Only administrators may erase a person's data.": "เฉพาะผู้ดูแลระบบเท่านั้นที่ลบข้อมูลของบุคคลได้",
    "This person's data was already erased.": "ข้อมูลของบุคคลนี้ถูกลบไปแล้ว",
    "Choose two different records to merge.": "กรุณาเลือกสองระเบียนที่ต่างกันเพื่อรวมกัน",
    "An erased record cannot be merged.": "ระเบียนที่ลบข้อมูลแล้วนำมารวมไม่ได้",
    "Both records hold a certificate for “%(event)s”; revoke one before merging.": (
        "ทั้งสองระเบียนได้รับเกียรติบัตรของ “%(event)s” แล้ว กรุณาเพิกถอนหนึ่งใบก่อนรวมระเบียน"
    ),
    # files
    "File: the text is neither UTF-8 nor Thai Windows (cp874) encoded.": (
        "ไฟล์: ข้อความในไฟล์ไม่ได้เข้ารหัสแบบ UTF-8 หรือแบบภาษาไทยของ Windows (cp874)"
    ),
    "File: this is not a CSV text file.": "ไฟล์: ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV",
    "File: the file is empty.": "ไฟล์: ไฟล์นี้ว่างเปล่า",
    "File: this is not a readable CSV file.": "ไฟล์: อ่านไฟล์ CSV นี้ไม่ได้",
    "File: this is not an Excel workbook (.xlsx).": "ไฟล์: ไฟล์นี้ไม่ใช่สมุดงาน Excel (.xlsx)",
    "File: only .xlsx and .csv files can be imported.": "ไฟล์: นำเข้าได้เฉพาะไฟล์ .xlsx และ .csv",
    "File: larger than 20 MB; split it into smaller files.": "ไฟล์: ขนาดเกิน 20 MB กรุณาแบ่งเป็นไฟล์ย่อย",
    "File: no first-name column found; the first row must hold headers such as “ชื่อ” or “First name”.": (
        "ไฟล์: ไม่พบคอลัมน์ชื่อ แถวแรกต้องเป็นหัวคอลัมน์ เช่น “ชื่อ” หรือ “First name”"
    ),
    # views
    "Saved.": "บันทึกแล้ว",
    "This person was already on record; their contact details were updated.": (
        "บุคคลนี้มีระเบียนอยู่แล้ว ระบบได้ปรับปรุงข้อมูลการติดต่อในระเบียนเดิม"
    ),
    "The person's data was erased; their attendance is kept without a name.": (
        "ลบข้อมูลส่วนบุคคลแล้ว ประวัติการเข้าร่วมยังคงเก็บไว้โดยไม่มีชื่อ"
    ),
    "The two records were merged.": "รวมสองระเบียนเรียบร้อยแล้ว",
    "The uploaded file is gone; please upload it again.": "ไม่พบไฟล์ที่อัปโหลด กรุณาอัปโหลดใหม่อีกครั้ง",
    "created": "เพิ่มใหม่",
    "updated": "ปรับปรุง",
    "unchanged": "ไม่เปลี่ยนแปลง",
    "skipped": "ข้าม",
    "Row": "แถว",
    "Result": "ผล",
    "Record ID": "รหัสในระบบ",
    "Reason": "เหตุผล",
    # templates
    "นาย, นาง, นางสาว, ว่าที่ร้อยตรี, ดร. … or any other title": "นาย นาง นางสาว ว่าที่ร้อยตรี ดร. … หรือคำนำหน้าอื่น",
    "Identity": "ข้อมูลระบุตัวตน",
    "13 digits; dashes and spaces are fine.": "13 หลัก จะมีขีดหรือเว้นวรรคก็ได้",
    "Contact": "การติดต่อ",
    "Mobile 08x-xxx-xxxx or landline 02-xxx-xxxx.": "มือถือ 08x-xxx-xxxx หรือโทรศัพท์บ้าน 02-xxx-xxxx",
    "Work": "การทำงาน",
    "Records the privacy notice version and the time.": "ระบบจะบันทึกฉบับของประกาศความเป็นส่วนตัวและเวลาไว้",
    "Volunteer registry": "ทะเบียนอาสาสมัคร",
    "All volunteers": "อาสาสมัครทั้งหมด",
    "Add a person": "เพิ่มบุคคล",
    "Likely duplicates": "ระเบียนที่อาจซ้ำกัน",
    "This person's data was erased on %(date)s; only attendance is kept.": (
        "ข้อมูลของบุคคลนี้ถูกลบเมื่อ %(date)s เหลือไว้เฉพาะประวัติการเข้าร่วม"
    ),
    "Name (English)": "ชื่อ (ภาษาอังกฤษ)",
    "this view was logged": "การเปิดดูครั้งนี้ถูกบันทึกไว้",
    "Show full ID": "แสดงเลขเต็ม",
    "Passport number": "เลขหนังสือเดินทาง",
    "Position": "ตำแหน่ง",
    "Privacy notice": "ประกาศความเป็นส่วนตัว",
    "version %(v)s, given %(when)s": "ฉบับ %(v)s แจ้งเมื่อ %(when)s",
    "Attendance": "การเข้าร่วม",
    "registered for %(r)s events, attended %(a)s": "ลงทะเบียน %(r)s งาน เข้าร่วมจริง %(a)s งาน",
    "Edit": "แก้ไข",
    "Export all data (JSON)": "ส่งออกข้อมูลทั้งหมด (JSON)",
    "Erase personal data": "ลบข้อมูลส่วนบุคคล",
    "Erase this person's personal data? This cannot be undone.": "ลบข้อมูลส่วนบุคคลของบุคคลนี้หรือไม่ การลบนี้ย้อนกลับไม่ได้",
    "Registration": "การลงทะเบียน",
    "Check-ins": "การเช็กอิน",
    "Certificate": "เกียรติบัตร",
    "Whole event": "ทั้งงาน",
    "revoked": "เพิกถอนแล้ว",
    "Records with the same name, or different names with the same phone number. Compare two and merge them if they are one person.": (
        "ระเบียนที่ชื่อเหมือนกัน หรือชื่อต่างกันแต่ใช้เบอร์โทรศัพท์เดียวกัน เปรียบเทียบทีละคู่ แล้วรวมเข้าด้วยกันหากเป็นบุคคลเดียวกัน"
    ),
    "Same name": "ชื่อเหมือนกัน",
    "Same phone": "เบอร์โทรศัพท์เดียวกัน",
    "Compare and merge": "เปรียบเทียบและรวม",
    "No likely duplicates found.": "ไม่พบระเบียนที่อาจซ้ำกัน",
    "Back to the person": "กลับไปหน้าบุคคล",
    "The national ID is shown masked; leave it as it is to keep it, or type the full new number.": (
        "เลขประจำตัวประชาชนแสดงแบบปิดบังไว้ ปล่อยไว้ตามเดิมเพื่อคงเลขเดิม หรือพิมพ์เลขใหม่ให้ครบ 13 หลัก"
    ),
    "Import volunteers": "นำเข้ารายชื่ออาสาสมัคร",
    "Excel (.xlsx) or CSV (UTF-8, or Thai Windows cp874), up to 20 MB. The first row holds the column headers.": (
        "Excel (.xlsx) หรือ CSV (UTF-8 หรือภาษาไทยของ Windows cp874) ขนาดไม่เกิน 20 MB แถวแรกเป็นหัวคอลัมน์"
    ),
    "Columns read": "คอลัมน์ที่ระบบอ่าน",
    "Headers may be in Thai or English; other columns are ignored. People already on record (same national ID, or same name and phone) are updated, not added twice. A masked ID never replaces a stored one.": (
        "หัวคอลัมน์เป็นภาษาไทยหรืออังกฤษก็ได้ คอลัมน์อื่นจะถูกข้าม "
        "บุคคลที่มีระเบียนอยู่แล้ว (เลขประจำตัวประชาชนเดียวกัน หรือชื่อและเบอร์โทรศัพท์เดียวกัน) "
        "จะถูกปรับปรุง ไม่เพิ่มซ้ำ และเลขที่ปิดบังไว้จะไม่ทับเลขที่บันทึกไว้"
    ),
    "Thai header": "หัวคอลัมน์ภาษาไทย",
    "English header": "หัวคอลัมน์ภาษาอังกฤษ",
    "The import failed; reload the page for details.": "การนำเข้าล้มเหลว กรุณาโหลดหน้าใหม่เพื่อดูรายละเอียด",
    "Importing… you can leave this page; the import goes on.": "กำลังนำเข้า… ออกจากหน้านี้ได้ การนำเข้าจะดำเนินต่อไป",
    "Import progress": "ความคืบหน้าการนำเข้า",
    "Waiting to start": "รอเริ่มทำงาน",
    "The import failed: %(error)s": "การนำเข้าล้มเหลว: %(error)s",
    "Download the full report (every row)": "ดาวน์โหลดรายงานฉบับเต็ม (ทุกแถว)",
    "Skipped rows to fix and import again:": "แถวที่ถูกข้าม สำหรับแก้ไขแล้วนำเข้าใหม่:",
    "The first %(n)s rows are shown; the full report has every row.": "แสดง %(n)s แถวแรก รายงานฉบับเต็มมีครบทุกแถว",
    "Import preview": "ตัวอย่างก่อนนำเข้า",
    "About %(n)s rows.": "ประมาณ %(n)s แถว",
    "Text encoding: %(e)s.": "การเข้ารหัสข้อความ: %(e)s",
    "Columns recognised:": "คอลัมน์ที่ระบบรู้จัก:",
    "Ignored columns:": "คอลัมน์ที่ข้าม:",
    "First rows": "แถวแรก ๆ",
    "Check": "ผลตรวจ",
    "OK": "ถูกต้อง",
    "Rows with a problem are skipped and listed in the report; the other rows are imported.": (
        "แถวที่มีปัญหาจะถูกข้ามและแสดงในรายงาน แถวอื่นจะนำเข้าตามปกติ"
    ),
    "Choose another file": "เลือกไฟล์อื่น",
    "Search": "ค้นหา",
    "Part of a Thai or English name, a phone number or its last 4+ digits, a national ID or its last 4 digits.": (
        "ส่วนหนึ่งของชื่อภาษาไทยหรืออังกฤษ เบอร์โทรศัพท์หรือเลขท้ายตั้งแต่ 4 หลัก เลขประจำตัวประชาชนหรือเลขท้าย 4 หลัก"
    ),
    "All provinces": "ทุกจังหวัด",
    "All networks": "ทุกเครือข่าย",
    "Clear": "ล้างตัวกรอง",
    "%(count)s people": "%(count)s คน",
    "More than %(count)s people": "มากกว่า %(count)s คน",
    "Download this list:": "ดาวน์โหลดรายชื่อนี้:",
    "national IDs masked": "ปิดบังเลขประจำตัวประชาชน",
    "Passport": "หนังสือเดินทาง",
    "Pages": "หน้า",
    "Previous": "ก่อนหน้า",
    "Page %(n)s": "หน้า %(n)s",
    "Next": "ถัดไป",
    "Nobody matches.": "ไม่พบรายชื่อที่ตรงกัน",
    "Merge two records": "รวมสองระเบียน",
    "The second record is merged into the first: its registrations, check-ins and certificates move to the first record, empty fields of the first are filled from the second, and the second record is removed. This is logged.": (
        "ระเบียนที่สองจะถูกรวมเข้ากับระเบียนแรก: การลงทะเบียน การเช็กอิน และเกียรติบัตรจะย้ายไปอยู่ที่ระเบียนแรก "
        "ช่องที่ว่างในระเบียนแรกจะเติมจากระเบียนที่สอง แล้วระเบียนที่สองจะถูกลบ การรวมนี้ถูกบันทึกไว้"
    ),
    "Kept record": "ระเบียนที่เก็บไว้",
    "Merged into it and removed": "ระเบียนที่รวมเข้าไปแล้วลบออก",
    "Keep the other record instead": "เก็บอีกระเบียนหนึ่งแทน",
    "If the national ID (or the name and phone) is already on record, that record is updated instead of creating a second one.": (
        "หากมีเลขประจำตัวประชาชน (หรือชื่อและเบอร์โทรศัพท์) นี้อยู่แล้ว ระบบจะปรับปรุงระเบียนเดิมแทนการสร้างระเบียนใหม่"
    ),
}
