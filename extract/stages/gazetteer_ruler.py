"""The gazetteer's entity ruler: every name and alias matched as a phrase, in one pass.

spaCy's ``entity_ruler`` matches token patterns with the ``Matcher``, which tries each pattern
at each token, or phrases on a single attribute. Gazetteer surfaces need two attributes (names
and cased aliases exactly, aliases in any case), so this component keeps one ``PhraseMatcher``
per attribute and sets entities the way ``entity_ruler`` does: longest match first, then the
earliest, with the gazetteer id as the span's ``id``.

The gazetteer is the CSV named by ``gazetteer_path`` (None: the bundled one); a saved
pipeline holds its copy (see :class:`~extract.stages.data.DataComponent`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from extract.stages.data import DataComponent
from extract.stages.gazetteer import Gazetteer, parse_gazetteer

GAZETTEER_FILE = "gazetteer.csv"


@Language.factory(
    "gazetteer_ruler",
    default_config={"gazetteer_path": None, "overwrite_ents": True, "overrides_model": None},
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
)
def make_gazetteer_ruler(
    nlp: Language, name: str, *, gazetteer_path: str | None, overwrite_ents: bool, overrides_model: bool | None
) -> GazetteerRuler:
    """Tag gazetteer surfaces as entities.

    gazetteer_path: the gazetteer CSV; None for the bundled one.
    overwrite_ents: gazetteer spans replace overlapping entities (else they only fill gaps).
    overrides_model: only the entries whose ``overrides_model`` column has this value; None for all.
    """
    return GazetteerRuler(nlp, gazetteer_path=gazetteer_path, overwrite_ents=overwrite_ents, overrides_model=overrides_model)


class GazetteerRuler(DataComponent):
    """Tag gazetteer surfaces as entities; with ``overwrite_ents`` they replace overlapping ones."""

    def __init__(
        self, nlp: Language, *, gazetteer_path: str | None = None, overwrite_ents: bool = True, overrides_model: bool | None = None
    ) -> None:
        super().__init__({GAZETTEER_FILE: gazetteer_path})
        self.overwrite = overwrite_ents
        self.overrides_model = overrides_model
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        self.matchers: dict[str, PhraseMatcher] = {}
        # Match key -> (label, gazetteer id, rank); the rank (gazetteer order) breaks ties.
        self.entries: dict[int, tuple[str, str, int]] = {}
        self._matched: bytes | None = None  # the gazetteer bytes the matchers were built from

    @property
    def gazetteer(self) -> Gazetteer:
        return parse_gazetteer(self.data(GAZETTEER_FILE), self.paths[GAZETTEER_FILE] or GAZETTEER_FILE)

    def __call__(self, doc: Doc) -> Doc:
        if self._matched is not self.data(GAZETTEER_FILE):
            self._build()
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

    def _build(self) -> None:
        """Match the surfaces of the selected entries (all of them, or those that do or do not
        override the model)."""
        raw = self.data(GAZETTEER_FILE)
        gazetteer = self.gazetteer
        self.matchers = {attr: PhraseMatcher(self.vocab, attr=attr) for attr in ("ORTH", "LOWER")}
        self.entries = {}
        for rank, entry in enumerate(gazetteer.entries):
            if self.overrides_model is not None and entry.overrides_model != self.overrides_model:
                continue
            # Not transient: the first document may be parsed inside a memory zone, whose
            # strings are freed at its end, but the matchers outlive it.
            key = self.vocab.strings.add(entry.id, allow_transient=False)  # type: ignore[call-arg]
            self.entries[key] = (entry.label, entry.id, rank)
            by_attr: dict[str, list[Doc]] = {"ORTH": [], "LOWER": []}
            for surface, attr in gazetteer.surfaces(entry):
                by_attr[attr].append(self.make_doc(surface))
            for attr, docs in by_attr.items():
                if docs:
                    self.matchers[attr].add(entry.id, docs)
        self._matched = raw

