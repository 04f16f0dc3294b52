import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from credit_platform import identifiers

VECTORS = json.loads((Path(__file__).parent.parent / "data" / "identifiers.json").read_text())


@pytest.mark.parametrize("code", VECTORS["uscc"]["valid"])
def test_valid_uscc_accepted(code):
    identifiers.validate_uscc(identifiers.normalise(code))


@pytest.mark.parametrize("code", VECTORS["uscc"]["invalid"])
def test_invalid_uscc_refused(code):
    with pytest.raises(ValidationError):
        identifiers.validate_uscc(identifiers.normalise(code))


@pytest.mark.parametrize(("raw", "normal"), VECTORS["uscc"]["normalises_to"].items())
def test_uscc_normalised(raw, normal):
    assert identifiers.normalise(raw) == normal
    identifiers.validate_uscc(identifiers.normalise(raw))


@pytest.mark.parametrize("number", VECTORS["citizen_id"]["valid"])
def test_valid_citizen_id_accepted(number):
    birth = identifiers.validate_citizen_id(identifiers.normalise(number))
    assert birth.strftime("%Y%m%d") == number[6:14]


@pytest.mark.parametrize("number", VECTORS["citizen_id"]["invalid"])
def test_invalid_citizen_id_refused(number):
    with pytest.raises(ValidationError):
        identifiers.validate_citizen_id(identifiers.normalise(number))


@pytest.mark.parametrize(("raw", "normal"), VECTORS["citizen_id"]["normalises_to"].items())
def test_citizen_id_normalised(raw, normal):
    assert identifiers.normalise(raw) == normal
    identifiers.validate_citizen_id(identifiers.normalise(raw))


def test_uscc_is_not_a_citizen_id_and_back():
    with pytest.raises(ValidationError):
        identifiers.validate_for_kind("91350100M000100Y43", "natural_person")
    with pytest.raises(ValidationError):
        identifiers.validate_for_kind("11010519491231002X", "legal_person")


def test_error_keyed_to_field():
    with pytest.raises(ValidationError) as exc:
        identifiers.validate_for_kind("91350100M000100Y42", "legal_person", field="identifier")
    assert "identifier" in exc.value.message_dict


def test_masking_shows_at_most_first_six_and_last_four():
    assert identifiers.mask_identifier("11010519491231002X") == "110105********002X"
    assert identifiers.mask_person_name("王建国") == "王**"
    assert identifiers.mask_person_name("刘伟") == "刘*"
