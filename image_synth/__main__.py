"""``python -m image_synth`` is the ``image-synth`` command."""

from .cli import main

main(prog_name="image-synth")
