from townsquare.storable import storable_json, storable_text


def test_nul_becomes_the_replacement_character_in_text() -> None:
    assert storable_text("a\x00b\x00") == "a\ufffdb\ufffd"
    plain = "no nul here"
    assert storable_text(plain) is plain


def test_nul_is_replaced_in_every_string_and_key_of_a_payload() -> None:
    payload = {"a": [{"b\x00": "c\x00"}, 1, None, True], "d": ("e", "f\x00")}
    assert storable_json(payload) == ({"a": [{"b\ufffd": "c\ufffd"}, 1, None, True], "d": ["e", "f\ufffd"]}, True)


def test_a_payload_without_nul_is_returned_as_it_was() -> None:
    payload = {"a": [{"b": "c"}, 1.5], "d": "\\u0000"}
    cleaned, changed = storable_json(payload)
    assert cleaned is payload and not changed


def test_a_lone_surrogate_becomes_the_replacement_character_and_a_whole_pair_is_kept() -> None:
    assert storable_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    emoji = "Bins collected \U0001f600 at last"
    assert storable_text(emoji) is emoji
    assert storable_json({"text": "x\udc00", "emoji": emoji}) == ({"text": "x\ufffd", "emoji": emoji}, True)
