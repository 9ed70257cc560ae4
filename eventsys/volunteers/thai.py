"""Thai personal data: national IDs, phone numbers, titles, provinces, name normalisation.

Pure functions without Flask; each ``normalise_*`` returns the stored form or raises
``ValueError`` with a short reason that the caller turns into a field message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from eventsys.i18n import arabic_digits

_SEPARATORS = re.compile(r"[\s\-–—.()/]")


def digits_only(text: str) -> str:
    """Thai digits to Arabic, then drop spaces, dashes, dots and brackets."""
    return _SEPARATORS.sub("", arabic_digits(text or ""))


def national_id_check_digit(first12: str) -> int:
    """(11 − Σ dᵢ·(14−i) mod 11) mod 10, for i = 1…12."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def normalise_national_id(text: str) -> str:
    """Return the 13 digits of a Thai national ID typed in any common way.

    Accepts dashes, spaces and Thai digits. IDs starting with 0 (people without Thai
    registration status) are accepted; those starting with 9 are not issued.
    """
    digits = digits_only(text)
    if not re.fullmatch(r"[0-9]{13}", digits):
        raise ValueError("length")
    if digits[0] == "9":
        raise ValueError("prefix")
    if national_id_check_digit(digits[:12]) != int(digits[12]):
        raise ValueError("checksum")
    return digits


def format_national_id(digits: str) -> str:
    """``1-2345-67890-12-3``."""
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def mask_national_id_tail(tail: str) -> str:
    """``x-xxxx-xxxxx-12-3`` from the last four digits."""
    return f"x-xxxx-xxxxx-{tail[1:3]}-{tail[3]}" if len(tail) == 4 else ""


def normalise_phone(text: str) -> str:
    """Return a Thai phone number as its 9 (landline) or 10 (mobile) digits, 0-prefixed.

    ``+66 81 234 5678``, ``081-234-5678`` and ``๐๘๑๒๓๔๕๖๗๘`` all give ``0812345678``.
    """
    raw = digits_only(text)
    if raw.startswith("+"):
        raw = raw[1:]
    if raw.startswith("66") and len(raw) in (10, 11):
        raw = "0" + raw[2:]
    if not raw.isdigit() or not raw.startswith("0"):
        raise ValueError("format")
    if len(raw) == 10 and raw[1] in "689":
        return raw
    if len(raw) == 9 and raw[1] in "234567":
        return raw
    raise ValueError("format")


def is_mobile(phone: str) -> bool:
    """A stored Thai mobile number (06, 08, 09 + 8 digits): the only kind an SMS reaches."""
    return len(phone or "") == 10 and phone[:2] in ("06", "08", "09")


def format_phone(digits: str) -> str:
    """``081-234-5678`` for mobiles, ``02-123-4567`` for Bangkok, ``053-123-456`` elsewhere."""
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) == 9 and digits.startswith("02"):
        return f"{digits[:2]}-{digits[2:5]}-{digits[5:]}"
    if len(digits) == 9:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits


_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def normalise_passport(text: str) -> str:
    value = re.sub(r"[\s\-]", "", arabic_digits(text or "")).upper()
    if not _PASSPORT.match(value):
        raise ValueError("format")
    return value


# --- names -----------------------------------------------------------------------------------

#: dropped from text: zero-width characters, control characters (a NUL even breaks
#: PostgreSQL), and bidirectional controls (U+202E turns "gpj.exe" into "exe.jpg" on screen
#: and lets a name spoof another): LRE…RLO, LRI…PDI, LRM, RLM and the Arabic letter mark
_ZERO_WIDTH = dict.fromkeys(
    [
        *map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"),
        *range(0x00, 0x09),
        *range(0x0E, 0x20),
        0x7F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x200E,
        0x200F,
        0x061C,
    ]
)
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
_ABOVE_BELOW_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47"  # ั ิ ี ึ ื ุ ู ็
_TONE_BEFORE_VOWEL = re.compile(f"([{_TONES}])([{_ABOVE_BELOW_VOWELS}]+)")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)  # imports repeat organizations, provinces and titles on every row
def normalise_text(text: str) -> str:
    """Clean Thai text as typed on phones and in Excel before storing or searching it.

    NFC alone is not enough: zero-width spaces and control characters are removed, "เเ"
    (two sara e) becomes "แ", nikhahit + sara aa becomes sara am, a tone mark typed before
    its vowel is put after it, and runs of white space become one space.
    """
    value = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH)
    value = value.replace("\u0e40\u0e40", "\u0e41").replace("\u0e4d\u0e32", "\u0e33")
    value = _TONE_BEFORE_VOWEL.sub(r"\2\1", value)
    return _SPACES.sub(" ", value).strip()


# --- titles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefix:
    code: str
    th: str
    en: str


PREFIXES: tuple[Prefix, ...] = (
    Prefix("mr", "นาย", "Mr."),
    Prefix("mrs", "นาง", "Mrs."),
    Prefix("miss", "นางสาว", "Ms."),
    Prefix("boy", "เด็กชาย", "Master"),
    Prefix("girl", "เด็กหญิง", "Miss"),
    Prefix("acting_sub_lt", "ว่าที่ร้อยตรี", "Acting Sub Lt."),
    Prefix("dr", "ดร.", "Dr."),
    Prefix("asst_prof", "ผศ.", "Asst. Prof."),
    Prefix("assoc_prof", "รศ.", "Assoc. Prof."),
    Prefix("prof", "ศ.", "Prof."),
    Prefix("phra", "พระ", "Ven."),
    Prefix("other", "", ""),
)
PREFIX_BY_CODE = {p.code: p for p in PREFIXES}
_PREFIX_BY_TEXT = {
    **{p.th: p for p in PREFIXES if p.th},
    **{p.en.lower().rstrip("."): p for p in PREFIXES if p.en},
    "ms": PREFIX_BY_CODE["miss"],
    "น.ส.": PREFIX_BY_CODE["miss"],
    "นส.": PREFIX_BY_CODE["miss"],
    "ด.ช.": PREFIX_BY_CODE["boy"],
    "ด.ญ.": PREFIX_BY_CODE["girl"],
    "ว่าที่ ร.ต.": PREFIX_BY_CODE["acting_sub_lt"],
    "ว่าที่ร.ต.": PREFIX_BY_CODE["acting_sub_lt"],
}


def resolve_prefix(text: str) -> tuple[str, str]:
    """(code, Thai text) for a title typed as a code, in Thai or in English.

    Unknown titles are kept as written under the code ``other`` (ranks, monks' titles …).
    """
    value = normalise_text(text)
    if not value:
        return "", ""
    if value in PREFIX_BY_CODE and value != "other":
        prefix = PREFIX_BY_CODE[value]
        return prefix.code, prefix.th
    prefix = _PREFIX_BY_TEXT.get(value) or _PREFIX_BY_TEXT.get(value.lower().rstrip("."))
    if prefix:
        return prefix.code, prefix.th
    return "other", value


# --- provinces (DOPA codes) ------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    code: str
    th: str
    en: str


PROVINCES: tuple[Province, ...] = tuple(
    Province(code, th, en)
    for code, th, en in (
        ("10", "กรุงเทพมหานคร", "Bangkok"),
        ("11", "สมุทรปราการ", "Samut Prakan"),
        ("12", "นนทบุรี", "Nonthaburi"),
        ("13", "ปทุมธานี", "Pathum Thani"),
        ("14", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
        ("15", "อ่างทอง", "Ang Thong"),
        ("16", "ลพบุรี", "Lop Buri"),
        ("17", "สิงห์บุรี", "Sing Buri"),
        ("18", "ชัยนาท", "Chai Nat"),
        ("19", "สระบุรี", "Saraburi"),
        ("20", "ชลบุรี", "Chon Buri"),
        ("21", "ระยอง", "Rayong"),
        ("22", "จันทบุรี", "Chanthaburi"),
        ("23", "ตราด", "Trat"),
        ("24", "ฉะเชิงเทรา", "Chachoengsao"),
        ("25", "ปราจีนบุรี", "Prachin Buri"),
        ("26", "นครนายก", "Nakhon Nayok"),
        ("27", "สระแก้ว", "Sa Kaeo"),
        ("30", "นครราชสีมา", "Nakhon Ratchasima"),
        ("31", "บุรีรัมย์", "Buri Ram"),
        ("32", "สุรินทร์", "Surin"),
        ("33", "ศรีสะเกษ", "Si Sa Ket"),
        ("34", "อุบลราชธานี", "Ubon Ratchathani"),
        ("35", "ยโสธร", "Yasothon"),
        ("36", "ชัยภูมิ", "Chaiyaphum"),
        ("37", "อำนาจเจริญ", "Amnat Charoen"),
        ("38", "บึงกาฬ", "Bueng Kan"),
        ("39", "หนองบัวลำภู", "Nong Bua Lam Phu"),
        ("40", "ขอนแก่น", "Khon Kaen"),
        ("41", "อุดรธานี", "Udon Thani"),
        ("42", "เลย", "Loei"),
        ("43", "หนองคาย", "Nong Khai"),
        ("44", "มหาสารคาม", "Maha Sarakham"),
        ("45", "ร้อยเอ็ด", "Roi Et"),
        ("46", "กาฬสินธุ์", "Kalasin"),
        ("47", "สกลนคร", "Sakon Nakhon"),
        ("48", "นครพนม", "Nakhon Phanom"),
        ("49", "มุกดาหาร", "Mukdahan"),
        ("50", "เชียงใหม่", "Chiang Mai"),
        ("51", "ลำพูน", "Lamphun"),
        ("52", "ลำปาง", "Lampang"),
        ("53", "อุตรดิตถ์", "Uttaradit"),
        ("54", "แพร่", "Phrae"),
        ("55", "น่าน", "Nan"),
        ("56", "พะเยา", "Phayao"),
        ("57", "เชียงราย", "Chiang Rai"),
        ("58", "แม่ฮ่องสอน", "Mae Hong Son"),
        ("60", "นครสวรรค์", "Nakhon Sawan"),
        ("61", "อุทัยธานี", "Uthai Thani"),
        ("62", "กำแพงเพชร", "Kamphaeng Phet"),
        ("63", "ตาก", "Tak"),
        ("64", "สุโขทัย", "Sukhothai"),
        ("65", "พิษณุโลก", "Phitsanulok"),
        ("66", "พิจิตร", "Phichit"),
        ("67", "เพชรบูรณ์", "Phetchabun"),
        ("70", "ราชบุรี", "Ratchaburi"),
        ("71", "กาญจนบุรี", "Kanchanaburi"),
        ("72", "สุพรรณบุรี", "Suphan Buri"),
        ("73", "นครปฐม", "Nakhon Pathom"),
        ("74", "สมุทรสาคร", "Samut Sakhon"),
        ("75", "สมุทรสงคราม", "Samut Songkhram"),
        ("76", "เพชรบุรี", "Phetchaburi"),
        ("77", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
        ("80", "นครศรีธรรมราช", "Nakhon Si Thammarat"),
        ("81", "กระบี่", "Krabi"),
        ("82", "พังงา", "Phang Nga"),
        ("83", "ภูเก็ต", "Phuket"),
        ("84", "สุราษฎร์ธานี", "Surat Thani"),
        ("85", "ระนอง", "Ranong"),
        ("86", "ชุมพร", "Chumphon"),
        ("90", "สงขลา", "Songkhla"),
        ("91", "สตูล", "Satun"),
        ("92", "ตรัง", "Trang"),
        ("93", "พัทลุง", "Phatthalung"),
        ("94", "ปัตตานี", "Pattani"),
        ("95", "ยะลา", "Yala"),
        ("96", "นราธิวาส", "Narathiwat"),
    )
)
PROVINCE_BY_CODE = {p.code: p for p in PROVINCES}
_PROVINCE_BY_NAME = {
    **{p.th: p for p in PROVINCES},
    **{p.en.lower(): p for p in PROVINCES},
    **{p.en.lower().replace(" ", ""): p for p in PROVINCES},
    "กรุงเทพฯ": PROVINCE_BY_CODE["10"],
    "กทม.": PROVINCE_BY_CODE["10"],
    "กทม": PROVINCE_BY_CODE["10"],
    "จ.กรุงเทพมหานคร": PROVINCE_BY_CODE["10"],
}


@lru_cache(maxsize=1024)
def resolve_province(text: str) -> str:
    """The DOPA code of a province given by code, Thai name (with or without "จ."), or
    English name; raises ValueError if it is none of the 77."""
    value = normalise_text(text)
    if value in PROVINCE_BY_CODE:
        return value
    if value.startswith("จังหวัด"):
        value = value[len("จังหวัด") :].strip()
    elif value.startswith("จ."):
        value = value[2:].strip()
    province = _PROVINCE_BY_NAME.get(value) or _PROVINCE_BY_NAME.get(value.lower())
    if province is None:
        province = _PROVINCE_BY_NAME.get(value.lower().replace(" ", "").replace("-", ""))
    if province is None:
        raise ValueError("unknown")
    return province.code


def province_name(code: str, locale: str = "th") -> str:
    province = PROVINCE_BY_CODE.get(code)
    if province is None:
        return ""
    return province.th if locale == "th" else province.en


# --- Thai dictionary order ---------------------------------------------------------------------

_collator = None


def _thai_collator():
    """ICU's Thai collator (PyICU), created once: it skips leading vowels เ แ โ ใ ไ the way
    Thai dictionaries do, where code-point order would put them all after ฮ."""
    global _collator
    if _collator is None:
        import icu

        _collator = icu.Collator.createInstance(icu.Locale("th_TH"))
    return _collator


def collation_key(text: str) -> bytes:
    return _thai_collator().getSortKey(text or "")


def sort_key(first_name: str, last_name: str = "") -> str:
    """A string that sorts (bytewise, in SQL) as Thai readers expect: by first name, then
    last name. Hex of the ICU sort keys; ASCII hex digits compare alike in every collation."""
    return (collation_key(first_name) + collation_key(last_name)).hex()[:512]
