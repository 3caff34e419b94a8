"""The limits behind the refusals, at their edges: what is refused, and what is not."""

from __future__ import annotations

import pytest
import yaml

from image_synth.errors import UnsafeInputError
from image_synth.read.tabular import MAX_COLUMNS, check_text_shape
from image_synth.study.models import MAX_YAML_VALUES, YamlTooLarge, check_expansion, parse_yaml


def _laughs(levels: int) -> str:
    text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for n in range(1, levels):
        text += f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n"
    return text


def test_aliases_that_expand_modestly_are_read():
    # 9**6 = 531,441 strings once expanded: a lot, but under the limit
    data = parse_yaml(_laughs(6))
    assert check_expansion(data) < MAX_YAML_VALUES
    assert len(data["a5"]) == 9


def test_one_level_more_is_refused_quickly():
    with pytest.raises(YamlTooLarge, match="more than 1,000,000 values"):
        parse_yaml(_laughs(7))


def test_shared_values_are_counted_each_time_they_appear():
    assert check_expansion(parse_yaml("a: &x [1, 2]\nb: *x\nc: *x\n")) == 1 + 3 * 3
    assert check_expansion({"a": 1}) == 2 and check_expansion("text") == 1


def test_a_value_inside_itself_is_refused_but_a_shared_one_is_not():
    with pytest.raises(YamlTooLarge, match="contains it"):
        parse_yaml("a: &x [1, *x]\n")
    loop = {}
    loop["self"] = loop
    with pytest.raises(YamlTooLarge):
        check_expansion(loop)
    shared = [1]
    assert check_expansion([shared, shared, [shared]]) == 1 + 2 + 2 + 2 + 1


def test_yaml_too_large_is_a_yaml_error():
    assert issubclass(YamlTooLarge, yaml.YAMLError)


@pytest.mark.parametrize("length, refused", [(1000, False), (1000 + 1, True),
                                             (600, False), (3000, True)])
def test_line_length_at_the_edge(length, refused):
    raw = b"a;b\n" + b"x" * length + b"\n1;2\n"
    if refused:
        with pytest.raises(UnsafeInputError, match=f"line of {length:,} bytes") as info:
            check_text_shape(raw, file="t.csv", max_line_bytes=1000)
        assert info.value.problems[0].row == "line 2"
    else:
        check_text_shape(raw, file="t.csv", max_line_bytes=1000)


def test_a_long_last_line_without_a_line_break_is_found():
    with pytest.raises(UnsafeInputError, match="line 2"):
        check_text_shape(b"a\n" + b"y" * 5000, file="t.csv", max_line_bytes=1000)


def test_header_width_at_the_edge():
    check_text_shape(";".join(["c"] * MAX_COLUMNS).encode() + b"\n", file="t.csv")
    with pytest.raises(UnsafeInputError, match=f"header has {MAX_COLUMNS + 1:,} columns"):
        check_text_shape(",".join(["c"] * (MAX_COLUMNS + 1)).encode() + b"\n", file="t.csv")


@pytest.mark.parametrize("declared", [20, -1], ids=["declared", "unknown"])
def test_spss_cases_beyond_the_cell_limit_are_refused(tmp_path, monkeypatch, declared):
    import struct

    import pandas as pd
    import pyreadstat
    from _support import MINI

    from image_synth import read_survey
    from image_synth.read import survey
    from image_synth.study.models import Instrument, load_yaml_model

    frame = pd.read_csv(MINI / "survey_2023.csv", sep=";", dtype={"respondent_id": str})
    path = tmp_path / "s.zsav"
    pyreadstat.write_sav(frame, str(path), compress=True)
    data = bytearray(path.read_bytes())
    struct.pack_into("<i", data, 80, declared)  # -1: the file does not say
    path.write_bytes(bytes(data))
    instrument = load_yaml_model(Instrument, MINI / "instrument.yaml")
    assert len(read_survey(path, instrument=instrument, wave=2023)) == 20
    monkeypatch.setattr(survey, "MAX_SPSS_CELLS", 15 * 10)  # ten cases of 15 variables
    with pytest.raises(UnsafeInputError) as info:
        read_survey(path, instrument=instrument, wave=2023, file="s.zsav")
    message = info.value.problems[0].message
    if declared > 0:
        assert message.startswith("the file declares 20 cases of 15 variables (300 cells)")
    else:
        assert message.startswith("the file has more than 10 cases of 15 variables")
