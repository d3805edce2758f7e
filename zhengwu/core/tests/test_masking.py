from zhengwu.core.masking import mask_id_number, mask_phone


def test_id_number_keeps_first_three_and_last_four():
    assert mask_id_number("11010519491231002X") == "110***********002X"


def test_masked_id_number_keeps_length_and_hides_birth_date():
    masked = mask_id_number("440301198001010018")
    assert len(masked) == 18
    assert "19800101" not in masked


def test_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812341234") == "138****1234"


def test_empty_values_stay_empty():
    assert mask_id_number("") == ""
    assert mask_phone("") == ""


def test_short_values_are_fully_hidden():
    assert mask_phone("1234567") == "*******"
    assert mask_id_number("12345") == "*****"
