"""A document's spans asked a range or a page at a time give what reading them all and filtering would."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.core.coding.doc_spans import LONG_SPAN, ListedSpans, key_of
from annotator.core.project import Project


def test_ranges_pages_ranks_and_steps_agree_with_the_whole_list(tmp_path: Path) -> None:
    rng = random.Random(3)
    text = " ".join("word" for _ in range(6000))  # 29,999 code points
    with Project(tmp_path / "p.annotator") as project:
        doc = project.documents.add(title="Spans", text=text)
        other = project.documents.add(title="Other", text="Another text.")
        label = project.codebook.codable_labels()[0]
        with project.store.write(undoable=False):
            for n in range(1500):
                start = rng.randrange(len(text) - 1)
                # A few reach back further than LONG_SPAN: a range far on must still find them.
                length = rng.randint(LONG_SPAN + 1, 3 * LONG_SPAN) if n % 150 == 0 else rng.randint(1, 50)
                project.annotations.add(doc, label, start, min(len(text), start + length))
            project.annotations.add(other, label, 0, 4)
        every = sorted(project.annotations.spans_for_document(doc), key=key_of)
        stored = project.annotations.spans_of(doc)
        listed = ListedSpans(every)
        assert stored.count() == len(every) == 1500 and stored.count(at_most=10) == 10
        for begin in (0, 5, LONG_SPAN + 17, 20_000, len(text) - 3):
            end = begin + rng.randint(1, 900)
            expected = [a for a in every if a.start < end and a.end > begin]
            assert sorted(stored.overlapping(begin, end), key=key_of) == expected
            assert listed.overlapping(begin, end) == expected
        assert any(a.end - a.start > LONG_SPAN and a.start < 20_000 - LONG_SPAN
                   for a in stored.overlapping(20_000, 20_001))
        assert stored.page(700, 50) == every[700:750] == listed.page(700, 50)
        for i in (0, 1, 777, 1499):
            assert stored.rank(every[i]) == i == listed.rank(every[i])
            assert stored.after(key_of(every[i]), 1) == (every[i + 1] if i + 1 < len(every) else None)
            assert stored.after(key_of(every[i]), -1) == (every[i - 1] if i else None)
        assert stored.after(None, 1) == every[0] and stored.after(None, -1) == every[-1]
        assert stored.find(every[3].id) == every[3] and stored.find(999_999) is None
