"""siblings.sibling_sizes: every sibling's n per display row in one pass gives the n
that integrate.joint.survey_row_stats gives for each sibling on its own."""

from __future__ import annotations

import pandas as pd
import pytest
from _support import MINI

import image_synth
from image_synth import columns as C
from image_synth.disclosure.siblings import sibling_sizes
from image_synth.integrate.joint import survey_row_stats
from image_synth.integrate.rows import display_rows


@pytest.mark.parametrize("path", [MINI, None], ids=["mini", "example"])
def test_sizes_in_one_pass_are_those_of_each_sibling_alone(path):
    study = image_synth.load_study(path)
    rows = display_rows(study.instrument, study.codebook)
    for wave in study.config.waves:
        survey = study.survey[study.survey[C.WAVE] == wave]
        for situation in study.config.situations:
            regions = [r.id for r in study.config.regions if r.situation == situation.id]
            got = sibling_sizes(survey[survey[C.REGION].isin(regions)], study, rows,
                                by=C.REGION, groups=regions)
            expected = pd.concat(
                [survey_row_stats(survey[survey[C.REGION] == r], study, rows)
                 [["row_id", C.N]].assign(group=r) for r in regions], ignore_index=True)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)
            assert got[C.N].sum() > 0 or survey.empty
