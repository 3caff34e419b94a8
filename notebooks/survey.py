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

# %% [markdown]
# # Vragenlijst: schalen, antwoorden, vergelijkingen en samenhang
#
# Dit notebook laat de vragenlijst van één afbakening (landelijk, een
# samenwerkingssituatie of een regio) en één meting zien.

# %% [markdown] tags=["analyst"]
# Pas de parameters in de eerste cel aan en voer alle cellen uit. Elke cel roept
# één functie van `image_synth` aan; de analyse zelf staat in het pakket.

# %% tags=["parameters"]
study: str = ""  # study folder or its study.yaml; empty: the embedded example study
scope: str = "national"  # "national", "situation" or "region"
scope_value: str = ""  # id of the situation or region; empty for the national scope
wave: int = 0  # measurement wave (meting); 0: the study's latest wave
lang: str = "nl"  # language of headings and tables: "nl" or "en"
publish: bool = True  # True: publication rules on (cells of fewer than k hidden); False: every number

# %% [markdown] tags=["analyst"]
# De resultaten van de afbakening worden één keer berekend. Elke tabel hieronder is
# ook een DataFrame: `results.reliabilities`, `results.wave_change`,
# `results.condition_summary`, `results.associations`, `results.distribution([...])`.
# Met `publish=True` staan cellen met minder dan k respondenten verborgen, zoals op
# de gepubliceerde pagina; de kolom `hidden` zegt welke.

# %%
from image_synth import views
from image_synth.publish import record_run_info
from image_synth.render import sections
from image_synth.results import compute

results = compute(study, scope=scope, scope_value=scope_value, wave=wave, publish=publish)
sections.notebook_style()

# %%
sections.title(results, lang=lang)

# %% [markdown]
# ## Schalen en betrouwbaarheid
#
# Per werkzaam mechanisme: Cronbachs alfa met interval en het gemiddelde in elke
# meting tot en met deze, de verandering ten opzichte van de vorige meting, en de
# antwoorden op elke uitspraak van de schaal.

# %%
sections.mechanisms(results, lang=lang)

# %% [markdown]
# ## Alle metingen
#
# Het gemiddelde van elke schaal in elke meting die de studie heeft, en per meting de
# vergelijking met de meting ervoor. Let op `composition_differs`: dan verschillen de
# steekproeven (regio's, situaties, sectoren) en kan een verschil uit de samenstelling
# komen.

# %%
views.wave_trend(results, lang=lang)

# %% [markdown]
# ## Randvoorwaarden
#
# Gemiddelde en 95%-interval van elke randvoorwaarde, en de verdeling van de
# antwoorden ("weet niet" als eigen categorie).

# %%
sections.conditions(results, lang=lang)

# %% [markdown]
# ## Vergelijking tussen groepen
#
# De schalen vergeleken tussen de groepen binnen de afbakening (landelijk de
# situaties, in een situatie de regio's, in een regio de sectoren): Kruskal-Wallis,
# daarna Mann-Whitney per paar met de rank-biseriële r.

# %%
views.group_comparison(results, lang=lang)

# %% [markdown]
# ## Samenhang met tevredenheid en opbrengsten
#
# Tevredenheid en opbrengsten, en de Spearman-correlatie van mechanismen en
# randvoorwaarden daarmee (alleen vanaf voldoende respondenten).

# %%
sections.added_value(results, lang=lang)

# %% tags=["remove-cell"]
record_run_info(results.run_info())
