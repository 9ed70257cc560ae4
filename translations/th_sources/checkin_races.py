"""Thai for check-in against cancel and reissue."""

TH = {
    "This person has already checked in. Undo the check-in first, then cancel.": "บุคคลนี้เช็กอินแล้ว กรุณายกเลิกการเช็กอินก่อน แล้วจึงยกเลิกการลงทะเบียน",
}
