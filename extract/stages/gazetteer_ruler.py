"""The gazetteer's entity ruler: every name and alias matched as a phrase, in one pass.

spaCy's ``entity_ruler`` matches token patterns with the ``Matcher``, which tries each pattern
at each token, or phrases on a single attribute. Gazetteer surfaces need two attributes (names
and cased aliases exactly, aliases in any case), so this component keeps one ``PhraseMatcher``
per attribute and sets entities the way ``entity_ruler`` does: longest match first, then the
earliest, with the gazetteer id as the span's ``id``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from extract.stages.gazetteer import Gazetteer


@Language.factory("gazetteer_ruler", default_config={"overwrite_ents": True})
def make_gazetteer_ruler(nlp: Language, name: str, *, overwrite_ents: bool) -> "GazetteerRuler":
    return GazetteerRuler(nlp, overwrite_ents=overwrite_ents)


class GazetteerRuler:
    """Tag gazetteer surfaces as entities; with ``overwrite_ents`` they replace overlapping ones."""

    def __init__(self, nlp: Language, *, overwrite_ents: bool = True) -> None:
        self.overwrite = overwrite_ents
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("ORTH", "LOWER")}
        # Match key -> (label, gazetteer id, rank); the rank (gazetteer order) breaks ties.
        self.entries: dict[int, tuple[str, str, int]] = {}
        self.make_doc = nlp.make_doc
        self.strings = nlp.vocab.strings

    def add_gazetteer(self, gazetteer: Gazetteer, *, overriding: bool | None = None) -> int:
        """Add the surfaces of the entries that do (True) or do not (False) override the model."""
        added = 0
        for rank, entry in enumerate(gazetteer.entries):
            if overriding is not None and entry.overrides_model != overriding:
                continue
            key = self.strings.add(entry.id)
            self.entries[key] = (entry.label, entry.id, rank)
            by_attr: dict[str, list[Doc]] = {"ORTH": [], "LOWER": []}
            for surface, attr in gazetteer.surfaces(entry):
                by_attr[attr].append(self.make_doc(surface))
            for attr, docs in by_attr.items():
                if docs:
                    self.matchers[attr].add(entry.id, docs)
                    added += len(docs)
        return added

    def __call__(self, doc: Doc) -> Doc:
        found = {(key, start, end) for matcher in self.matchers.values() for key, start, end in matcher(doc) if start < end}
        # Longest first, then earliest, then the entry listed first in the gazetteer.
        ordered = sorted(found, key=lambda m: (-(m[2] - m[1]), m[1], self.entries[m[0]][2]))
        entities = list(doc.ents)
        new: list[Span] = []
        taken: set[int] = set()
        for key, start, end in ordered:
            if not self.overwrite and any(t.ent_type for t in doc[start:end]):
                continue
            if taken.intersection(range(start, end)):
                continue
            label, entry_id, _ = self.entries[key]
            new.append(Span(doc, start, end, label=label, span_id=entry_id))
            entities = [e for e in entities if not (e.start < end and e.end > start)]
            taken.update(range(start, end))
        if new:
            doc.ents = entities + new
        return doc
