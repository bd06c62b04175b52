"""Documents → plan model: readers, normalisation and structure of development plans."""
