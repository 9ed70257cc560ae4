"""Thai translations for the printed sign-in sheet's settings on the event form. Merged by `make i18n`."""

TH = {
    "Phone number column on the printed sign-in sheet": "แสดงช่องเบอร์โทรศัพท์ในใบลงทะเบียนที่พิมพ์",
    "Everyone who signs sees the numbers above their line. Leave it off unless your finance office asks for phones.": "ผู้ลงชื่อทุกคนจะเห็นเบอร์โทรศัพท์ของผู้ที่ลงชื่อก่อนหน้า ไม่ต้องเลือกหากฝ่ายการเงินไม่ได้ขอเบอร์โทรศัพท์",
}
