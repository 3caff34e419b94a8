# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     cell_metadata_filter: tags,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
study: str = ""  # study folder or its study.yaml; empty: the embedded example study
scope: str = "national"  # "national", "situation" or "region"
scope_value: str = ""  # id of the situation or region; empty for the national scope
wave: int = 2023  # measurement wave (meting)
lang: str = "nl"  # language of the supplement: "nl" or "en"
publish: bool = True  # True: publication rules on; False: all numbers, not for publication

# %%
from image_synth.publish import record_run_info
from image_synth.render import sections

data = sections.prepare(study, scope=scope, scope_value=scope_value, wave=wave)
sections.title(data, lang=lang, publish=publish)

# %%
sections.response(data, lang=lang, publish=publish)

# %%
sections.situations(data, lang=lang, publish=publish)

# %%
sections.mechanisms(data, lang=lang, publish=publish)

# %%
sections.conditions(data, lang=lang, publish=publish)

# %%
sections.added_value(data, lang=lang, publish=publish)

# %%
sections.policy(data, lang=lang, publish=publish)

# %%
sections.qualitative(data, lang=lang, publish=publish)

# %%
sections.integration(data, lang=lang, publish=publish)

# %%
sections.networks(data, lang=lang, publish=publish)

# %%
sections.methods(data, lang=lang, publish=publish)

# %%
record_run_info(sections.run_info(data, publish=publish))
