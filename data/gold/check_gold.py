#!/usr/bin/env python3
"""Validate the hand-annotated gold set in this folder.

Usage: python data/gold/check_gold.py [-v] [doc_id ...]

A thin wrapper: the checks live in ``extract/gold.py`` (the loader `extract eval` uses),
so there is one implementation. Exits 1 on any problem, naming file, line and item;
with -v it prints the offsets recovered for every sentence, mention and quote.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # works without installing the package

from extract.evaluation.gold import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], HERE))
