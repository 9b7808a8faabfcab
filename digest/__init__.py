"""digest: turn scraped Chinese articles into a clean, curated static site."""

__version__ = "0.1.0"
