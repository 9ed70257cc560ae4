"""Thai personal data rules: IDs, phones, titles, provinces, names, dictionary order."""

import pytest
from stdnum.th import pin

from eventsys.volunteers import thai

VALID_ID = "1101700230708"  # checksum-valid, as python-stdnum agrees below


def test_known_valid_id_agrees_with_stdnum():
    assert pin.is_valid(VALID_ID)
    assert thai.normalise_national_id(VALID_ID) == VALID_ID


@pytest.mark.parametrize(
    "typed",
    ["1-1017-00230-70-8", "1 1017 00230 70 8", "๑๑๐๑๗๐๐๒๓๐๗๐๘", " 1101700230708 ", "1-1017-00230-708"],
)
def test_national_id_typed_many_ways(typed):
    assert thai.normalise_national_id(typed) == VALID_ID


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1101700230709", "checksum"),
        ("110170023070", "length"),
        ("11017002307081", "length"),
        ("abcdefghijklm", "length"),
        ("", "length"),
        ("9101700230701", "prefix"),
    ],
)
def test_bad_national_ids(typed, reason):
    with pytest.raises(ValueError, match=reason):
        thai.normalise_national_id(typed)


def test_zero_prefixed_ids_for_people_without_status_are_accepted():
    first12 = "012345678901"
    number = first12 + str(thai.national_id_check_digit(first12))
    assert thai.normalise_national_id(number) == number


def test_check_digit_matches_stdnum_for_many_numbers():
    import random

    rng = random.Random(1)
    for _ in range(500):
        first12 = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
        number = first12 + str(thai.national_id_check_digit(first12))
        assert pin.is_valid(number), number


def test_format_and_mask():
    assert thai.format_national_id(VALID_ID) == "1-1017-00230-70-8"
    assert thai.mask_national_id_tail(VALID_ID[-4:]) == "x-xxxx-xxxxx-70-8"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("081-234-5678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("66812345678", "0812345678"),
        ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
        ("02-123-4567", "021234567"),
        ("053 123 456", "053123456"),
        ("(02) 123 4567", "021234567"),
    ],
)
def test_phone_normalisation(typed, stored):
    assert thai.normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "0112345678", "08123456789", "hello", "1812345678"])
def test_bad_phones(typed):
    with pytest.raises(ValueError):
        thai.normalise_phone(typed)


def test_phone_format():
    assert thai.format_phone("0812345678") == "081-234-5678"
    assert thai.format_phone("021234567") == "02-123-4567"


def test_seventy_seven_provinces_with_unique_codes_and_names():
    assert len(thai.PROVINCES) == 77
    assert len({p.code for p in thai.PROVINCES}) == 77
    assert len({p.th for p in thai.PROVINCES}) == 77
    assert len({p.en for p in thai.PROVINCES}) == 77


@pytest.mark.parametrize("typed", ["กรุงเทพมหานคร", "กรุงเทพฯ", "กทม.", "Bangkok", "bangkok", "10"])
def test_province_names(typed):
    assert thai.resolve_province(typed) == "10"


def test_province_with_prefix_and_english_spacing():
    assert thai.resolve_province("จ.เชียงใหม่") == "50"
    assert thai.resolve_province("จังหวัดขอนแก่น") == "40"
    assert thai.resolve_province("Chiangmai") == "50"
    with pytest.raises(ValueError):
        thai.resolve_province("Atlantis")


@pytest.mark.parametrize(
    ("typed", "code", "text"),
    [
        ("นาย", "mr", "นาย"),
        ("Mrs.", "mrs", "นาง"),
        ("น.ส.", "miss", "นางสาว"),
        ("miss", "miss", "นางสาว"),
        ("ว่าที่ร้อยตรี", "acting_sub_lt", "ว่าที่ร้อยตรี"),
        ("พ.ต.อ.", "other", "พ.ต.อ."),
        ("", "", ""),
    ],
)
def test_prefixes(typed, code, text):
    assert thai.resolve_prefix(typed) == (code, text)


def test_name_normalisation_fixes_typing_variants():
    assert thai.normalise_text("เเก้ว") == "แก้ว"  # two sara e typed for sara ae
    assert thai.normalise_text("น\u0e4d\u0e32") == "นำ"  # nikhahit + sara aa
    assert thai.normalise_text("สม\u200bศรี") == "สมศรี"  # zero-width space
    assert thai.normalise_text("ที\u0e48") == thai.normalise_text("ที่")
    assert thai.normalise_text("ท\u0e48\u0e35") == "ท\u0e35\u0e48"  # tone typed before vowel
    assert thai.normalise_text("  สม   ศรี ") == "สม ศรี"


def test_thai_dictionary_order_skips_leading_vowels():
    words = ["ไก่", "เกม", "กา", "ขนม", "แมว", "มะม่วง", "โต๊ะ", "ฮา", "อีก"]
    ordered = sorted(words, key=lambda w: thai.sort_key(w))
    assert ordered == ["กา", "เกม", "ไก่", "ขนม", "โต๊ะ", "มะม่วง", "แมว", "อีก", "ฮา"]
    assert sorted(words) != ordered  # code-point order puts เ แ โ ไ after ฮ


def test_sort_key_orders_by_first_then_last_name():
    people = [("สมศรี", "ใจดี"), ("สมชาย", "ศรีสุข"), ("สมศรี", "แก้วมณี")]
    ordered = sorted(people, key=lambda p: thai.sort_key(*p))
    assert ordered == [("สมชาย", "ศรีสุข"), ("สมศรี", "แก้วมณี"), ("สมศรี", "ใจดี")]


BIDI_CONTROLS = [
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_bidirectional_controls_are_dropped_from_names(control):
    """Issue 14: a right-to-left override kept in a name reorders what staff read on screen."""
    assert thai.normalise_text(f"สม{control}ชาย\u202egpj.exe") == "สมชายgpj.exe"
    assert thai.normalise_text(f"{control}Somchai{control}") == "Somchai"


def test_a_stored_name_keeps_no_bidirectional_control(app, cipher):
    from eventsys.db import db
    from eventsys.volunteers.services import VolunteerData, save_volunteer

    data = VolunteerData(
        first_name="\u202eสมชาย", last_name="ใจ\u2067ดี\u2069", organization="อบต.\u200f", phone="0812345678"
    )
    volunteer, _created = save_volunteer(db.session, data, cipher=cipher, require_phone=False)
    assert (volunteer.first_name, volunteer.last_name, volunteer.organization) == ("สมชาย", "ใจดี", "อบต.")
