"""Thai translations for production and security (rate limits, backups). Merged by `make i18n`."""

TH = {
    "Too many log-in attempts from your connection. Please wait a few minutes and try again.": "มีการพยายามเข้าสู่ระบบจากเครือข่ายของคุณหลายครั้งเกินไป กรุณารอสักครู่ (ไม่กี่นาที) แล้วลองใหม่อีกครั้ง",
}
