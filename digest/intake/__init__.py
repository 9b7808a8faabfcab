"""Intake: raw seeds -> content/<slug>.md.

The flow, in order: decode the bytes (clean/encoding.py), run the cleaning stages (clean/), extract
the metadata (extract.py), write the text as Markdown blocks (blocks.py) with its front-matter, and
record what was made (ingest.py). Nothing here imports the build side, and the build side never
imports this package.
"""
