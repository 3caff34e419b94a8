# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
study: str = ""  # study folder or its study.yaml; empty: the embedded example study
scope: str = "national"  # "national", "situation" or "region"
scope_value: str = ""  # id of the situation or region; empty for the national scope
wave: int = 0  # measurement wave (meting); 0: the study's latest wave
lang: str = "nl"  # language of the supplement: "nl" or "en"
publish: bool = True  # True: publication rules on; False: all numbers, not for publication

# %% tags=["remove-cell"]
from image_synth.publish import record_run_info
from image_synth.render import sections
from image_synth.results import compute

results = compute(study, scope=scope, scope_value=scope_value, wave=wave, publish=publish)
sections.notebook_style()

# %%
sections.title(results, lang=lang)

# %%
sections.response(results, lang=lang)

# %%
sections.situations(results, lang=lang)

# %%
sections.mechanisms(results, lang=lang)

# %%
sections.conditions(results, lang=lang)

# %%
sections.added_value(results, lang=lang)

# %%
sections.policy(results, lang=lang)

# %%
sections.qualitative(results, lang=lang)

# %%
sections.integration(results, lang=lang)

# %%
sections.networks(results, lang=lang)

# %%
sections.methods(results, lang=lang)

# %%
record_run_info(results.run_info())
