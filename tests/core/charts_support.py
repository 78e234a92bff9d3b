"""A small project with every kind of finding, coded by two coders (kim, lee), for the chart tests.

The expected numbers in the tests are counted by hand from the table below.

doc  outlet  date        kim                                             lee
d1   Times   2024-03-05  Walmart, 삼성전자, Kim (entities); Favor>Walmart,   Walmart; Against>Walmart;
                         Against>삼성전자; claim (source 삼성전자, false,     topic Economy, critical yes
                         factual); topic Economy, critical yes
d2   Post    2024-03-20  Walmart, Amazon; Against>Walmart; claim (source   Favor>Walmart; topic Economy
                         Walmart entity, accurate); topic Politics, critical no
d3   Times   2024-04-02  Amazon, Walmart, 삼성전자; Favor>Amazon; Mixed>삼성전자; topic Economy
d4   -       -           nothing
"""

from __future__ import annotations

from annotator.core.project import Project
from tests.support import span_of

D1 = "Walmart cut prices, 삼성전자 said. Kim agreed."
D2 = "Walmart opened a store. Amazon watched."
D3 = "Amazon and Walmart and 삼성전자."


def build(p: Project) -> dict[str, int]:
    org, person, claim = (p.codebook.by_name(n) for n in ("Organization", "Person", "Claim"))
    favor, against, mixed = (p.codebook.by_name(n) for n in ("Favor", "Against", "Mixed"))
    d1 = p.documents.add(title="One", text=D1)
    d2 = p.documents.add(title="Two", text=D2)
    d3 = p.documents.add(title="Three", text=D3)
    d4 = p.documents.add(title="Four", text="Nothing here.")
    for doc, outlet, date in ((d1, "Times", "2024-03-05"), (d2, "Post", "2024-03-20"), (d3, "Times", "2024-04-02")):
        p.metadata.set(doc, "outlet", outlet)
        p.metadata.set(doc, "date", date)
    p.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    p.variables.add("critical", "yes_no")
    walmart = p.entities.create("Walmart", org.id).id  # a registry entity: the second claim's source links to it
    attrs = {a.name: a for a in p.codebook.attributes(claim.id)}

    p.annotations.annotator = "kim"
    for doc, text, words in ((d1, D1, ("Walmart", "삼성전자")), (d2, D2, ("Walmart", "Amazon")),
                             (d3, D3, ("Amazon", "Walmart", "삼성전자"))):
        for word in words:
            p.annotations.add(doc, org, *span_of(text, word))
    p.annotations.add(d1, person, *span_of(D1, "Kim"))
    p.annotations.add(d1, favor, target="Walmart")
    p.annotations.add(d1, against, target="삼성전자")
    c1 = p.annotations.add(d1, claim, *span_of(D1, "Walmart cut prices"), source="삼성전자")
    p.values.set(c1.id, attrs["verdict"].id, "false")
    p.values.set(c1.id, attrs["type"].id, "factual")
    p.annotations.add(d2, against, target="Walmart")
    c2 = p.annotations.add(d2, claim, *span_of(D2, "Walmart opened a store"), source_entity_id=walmart)
    p.values.set(c2.id, attrs["verdict"].id, "accurate")
    p.annotations.add(d3, favor, target="Amazon")
    p.annotations.add(d3, mixed, target="삼성전자")
    for doc, topic in ((d1, "Economy"), (d2, "Politics"), (d3, "Economy")):
        p.codesheet.set(doc, "topic", topic, coder="kim")
    p.codesheet.set(d1, "critical", "yes", coder="kim")
    p.codesheet.set(d2, "critical", "no", coder="kim")

    p.annotations.annotator = "lee"
    p.annotations.add(d1, org, *span_of(D1, "Walmart"))
    p.annotations.add(d1, against, target="Walmart")
    p.annotations.add(d2, favor, target="Walmart")
    p.codesheet.set(d1, "topic", "Economy", coder="lee")
    p.codesheet.set(d2, "topic", "Economy", coder="lee")
    p.codesheet.set(d1, "critical", "yes", coder="lee")
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4}
