"""Thai for check-in against cancel and reissue, and the manage page's certificate line."""

TH = {
    "A certificate is issued after the event to people who attended; it will be here, and we will let you know.": "เกียรติบัตรจะออกให้หลังจบงานแก่ผู้ที่เข้าร่วม โดยจะแสดงที่หน้านี้ และจะแจ้งให้ทราบ",
    "Keep this page's address (bookmark it or take a screenshot): it is your personal link to see your ticket, change your details or cancel. If you lose it, use “Lost your ticket?” on the event page.": "กรุณาเก็บที่อยู่หน้านี้ไว้ (บันทึกบุ๊กมาร์กหรือถ่ายภาพหน้าจอ) เป็นลิงก์ส่วนตัวสำหรับดูบัตร แก้ไขข้อมูล หรือยกเลิก หากทำหาย ใช้ “บัตรหาย?” ที่หน้ารายละเอียดงาน",
    "This person has already checked in. Undo the check-in first, then cancel.": "บุคคลนี้เช็กอินแล้ว กรุณายกเลิกการเช็กอินก่อน แล้วจึงยกเลิกการลงทะเบียน",
}
