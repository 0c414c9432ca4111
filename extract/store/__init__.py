"""Where results are kept: the CSV tables, the result cache, loading a run into pandas."""
