"""Disclosure control: the layer between the results and what a page may show.

- :mod:`~image_synth.disclosure.rules`: primary and complementary suppression of small
  cells in one table or one additive hierarchy.
- :mod:`~image_synth.disclosure.plan`: the decisions for a whole study and wave at
  once — which design each table family uses (answer categories collapsed, a level
  dropped) and the state of every cell on every page — so that no page, read together
  with the others, gives a hidden cell away.

Results (:mod:`image_synth.results`) carry these states per cell; renderers only show
them.
"""
