"""Internals of the BibTeX format: tokenizer and tables, shared with the BibLaTeX dialect."""
