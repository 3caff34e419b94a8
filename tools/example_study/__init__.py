"""Generators of the embedded example study (``image_synth/data/example/``).

``survey_gen.write_survey_part`` writes the study file, the instrument, the published
tables and the survey waves; ``qual_gen.write_qual_part`` the qualitative strand.
``tools/make_example_study.py`` calls both.
"""
