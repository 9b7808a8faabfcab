"""Intake: raw seeds -> content/<slug>.md.

The flow, in order: decode the bytes (clean/encoding.py), run the cleaning stages (clean/), extract
the metadata (extract.py), write the text as Markdown blocks (blocks.py) with its front-matter,
match it against the articles there are (duplicates.py, decide.py), write it (ingest.py,
articles.py) and record what became of each seed (record.py). Nothing here imports the build side,
and the build side never imports this package.
"""
