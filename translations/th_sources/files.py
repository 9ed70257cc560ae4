"""Thai translations for stored files (eventsys/files.py), missing certificate images and job
restarts. Merged by `make i18n`."""

TH = {
    "A stored file is missing: %(key)s": "ไม่พบไฟล์ที่จัดเก็บไว้: %(key)s",
    "The %(what)s image of this certificate design is missing from the file store. Upload it again on the design page; no certificate is made without it.": "ไม่พบไฟล์ภาพ%(what)s ของแบบเกียรติบัตรนี้ในที่จัดเก็บไฟล์ กรุณาอัปโหลดภาพใหม่ในหน้าออกแบบเกียรติบัตร ระบบจะไม่สร้างเกียรติบัตรจนกว่าจะมีภาพนี้",
    "logo": "ตราสัญลักษณ์",
    "background": "พื้นหลัง",
    "signature (%(name)s)": "ลายมือชื่อ (%(name)s)",
    "No such job.": "ไม่พบงานนี้",
    "The row-by-row report of this import has expired and was deleted.": "รายงานผลรายแถวของการนำเข้าครั้งนี้หมดอายุการจัดเก็บและถูกลบแล้ว",
    "Only a failed job can be restarted.": "เริ่มงานใหม่ได้เฉพาะงานที่ล้มเหลวเท่านั้น",
}
