"""Brochure pipeline: spreadsheets and Markdown in, checked DOCX and PDF brochures out.

Data flows one way: load → assemble → check → render → verify.
"""

__version__ = "0.1.0"
