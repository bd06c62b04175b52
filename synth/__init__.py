"""Synthetic plan corpora: realistic plan documents recombined from the four seed plans."""
