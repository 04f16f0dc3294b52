"""The pieces the public objection and repair filings share (``credit_platform.public_filing``)."""
import pytest
from django.core.exceptions import ValidationError

from credit_platform import public_filing

COMPANY = "91620702MAQJWYL7XF"
PERSON = "620702197804128519"


def test_clean_identifier_accepts_either_kind_as_stored():
    assert public_filing.clean_identifier(f"  {COMPANY.lower()} ") == COMPANY
    assert public_filing.clean_identifier(PERSON) == PERSON


@pytest.mark.parametrize("value", ["", "1234", COMPANY[:-1] + "0", PERSON[:-1] + "0", "620702197813328519"])
def test_clean_identifier_refuses_a_malformed_one_about_its_format_only(value):
    with pytest.raises(ValidationError) as exc:
        public_filing.clean_identifier(value)

    assert exc.value.code == "identifier_format"


def test_a_mismatch_is_one_error_that_names_no_field():
    first, second = public_filing.no_public_match(), public_filing.no_public_match()

    assert not hasattr(first, "error_dict") and first.code == public_filing.NO_PUBLIC_MATCH
    assert first.messages == second.messages


def test_receipt_numbers_carry_their_prefix_and_are_not_repeated():
    numbers = {public_filing.new_receipt_number() for _i in range(200)}

    assert len(numbers) == 200 and all(n.startswith("YY") and len(n) == 14 for n in numbers)
    assert public_filing.new_receipt_number("XF").startswith("XF")
    assert not set("".join(numbers)[2:]) & set("01ILO")
