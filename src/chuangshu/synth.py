"""Synthetic cases for city-scale work: realistic mixes of community forms, actors,
interventions, interviews and quotations; valid against the shapes; deterministic for
a seed. Every synthetic node is marked ``cs:AssumedBeyondSource`` and cites a synthetic
source document, never the paper.

The output is N-Triples written line by line, so that a million triples cost seconds.
"""

from __future__ import annotations

import random
from pathlib import Path

from .canon import write_atomic

CS = "https://w3id.org/chuangshu/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT_SOURCE = "http://purl.org/dc/terms/source"
BASE = "https://w3id.org/chuangshu/synthetic/"

# form, weight, residents range
FORMS = [("CommodityHousing", 40, (3000, 20000)), ("AffordableHousing", 15, (2000, 12000)),
         ("WorkUnitCompound", 20, (2000, 9000)), ("VillageToResidence", 15, (3000, 15000)),
         ("OldCity", 10, (2000, 10000))]
# type: (dimensions, scopes, stage)
TYPES = {
    "VolunteerService": (["GeneralizedTrust"], ["ResidentResident"], 1),
    "PartyBuildingActivity": (["GeneralizedTrust"], ["ResidentCommittee"], 1),
    "InterestGroupActivity": (["ParticipationNetwork"], ["ResidentResident"], 1),
    "DeliberationDay": (["ParticipationNetwork"], ["ResidentCommittee"], 1),
    "ReceptionDay": (["ParticipationNetwork"], ["ResidentCommittee"], 1),
    "CrossAppointment": (["ParticipationNetwork"], ["ResidentCommittee", "CommitteePropertyCompany"], 1),
    "PointsExchange": (["ReciprocityNorm"], ["ResidentResident"], 1),
    "Commendation": (["ReciprocityNorm"], ["ResidentResident"], 1),
    "MerchantSupport": (["GeneralizedTrust"], ["CommitteeMerchantUnit"], 2),
    "BusinessResidentAlliance": (["ParticipationNetwork"], ["ResidentMerchantUnit", "CommitteeMerchantUnit"], 2),
    "WishClaiming": (["ParticipationNetwork", "GeneralizedTrust"], ["ResidentMerchantUnit"], 2),
    "MerchantResidentCouncil": (["ParticipationNetwork"], ["ResidentMerchantUnit", "CommitteeMerchantUnit"], 2),
    "ContractProcess": (["ReciprocityNorm"], ["CommitteeMerchantUnit", "ResidentMerchantUnit"], 2),
    "ServicePact": (["ReciprocityNorm"], ["ResidentMerchantUnit"], 2),
    "MutualRating": (["ReciprocityNorm"], ["ResidentMerchantUnit"], 2),
}
CORE = [t for t, v in TYPES.items() if v[2] == 1]
EXTENDED = [t for t, v in TYPES.items() if v[2] == 2]
STAKEHOLDERS = [("Merchant", "商户", "merchants"), ("ResidentUnit", "驻地单位", "resident units"),
                ("PropertyManagementCompany", "物业", "property company"),
                ("SocialOrganization", "社会组织", "social organization")]


def _lit(text: str, lang: str | None = None, dt: str | None = None) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{esc}"@{lang}'
    if dt:
        return f'"{esc}"^^<{XSD}{dt}>'
    return f'"{esc}"'


def synthesize_lines(n: int, seed: int):
    """Yield N-Triples lines for ``n`` synthetic communities."""
    rnd = random.Random(seed)
    src = f"<{BASE}source>"
    yield f"{src} <{RDF_TYPE}> <{CS}Document> ."
    yield f"{src} <{RDFS_LABEL}> {_lit('合成数据（非真实案例）', 'zh')} ."
    yield f"{src} <{RDFS_LABEL}> {_lit('synthetic data (no real case)', 'en')} ."
    forms = [f for f, w, _ in FORMS for _ in range(w)]
    ranges = {f: r for f, _, r in FORMS}
    for i in range(n):
        code = f"C{seed % 1000:03d}{i:06d}"
        c = f"<{BASE}{code}>"
        form = rnd.choice(forms)
        built = rnd.randint(1985, 2018) if form not in ("OldCity", "VillageToResidence") else rnd.randint(1960, 2010)
        start_year = max(built + 1, rnd.randint(2016, 2023))
        t = lambda s, p, o: f"{s} <{p}> {o} ."  # noqa: E731
        yield t(c, RDF_TYPE, f"<{CS}Community>")
        yield t(c, RDFS_LABEL, _lit(f"合成社区 {code}", "zh"))
        yield t(c, RDFS_LABEL, _lit(f"synthetic community {code}", "en"))
        yield t(c, CS + "communityCode", _lit(code))
        yield t(c, CS + "hasForm", f"<{CS}{form}>")
        yield t(c, CS + "builtIn", _lit(str(built), dt="gYear"))
        yield t(c, CS + "programmeStart", _lit(f"{start_year}-{rnd.randint(1, 12):02d}", dt="gYearMonth"))
        yield t(c, CS + "factStatus", f"<{CS}AssumedBeyondSource>")
        yield t(c, DCT_SOURCE, src)
        q = f"<{BASE}{code}/residents>"
        yield t(c, CS + "hasQuantity", q)
        yield t(q, RDF_TYPE, f"<{CS}Quantity>")
        yield t(q, CS + "measures", f"<{CS}ResidentPopulation>")
        yield t(q, CS + "moreThan", _lit(str(rnd.randrange(*ranges[form], 100)), dt="integer"))
        committee = f"<{BASE}{code}/committee>"
        yield t(committee, RDF_TYPE, f"<{CS}NeighborhoodCommittee>")
        yield t(committee, RDFS_LABEL, _lit(f"{code} 居委会", "zh"))
        yield t(committee, CS + "partnerOf", c)
        for kind, zh, en in rnd.sample(STAKEHOLDERS, rnd.randint(1, 3)):
            s = f"<{BASE}{code}/{kind}>"
            yield t(s, RDF_TYPE, f"<{CS}{kind}>")
            yield t(s, RDFS_LABEL, _lit(f"{code} {zh}", "zh"))
            yield t(s, CS + ("partnerOf" if rnd.random() < 0.5 else "stakeholderOf"), c)
        # interventions: core ones mostly, extended ones more often in high-capital forms
        high = form in ("WorkUnitCompound", "VillageToResidence", "OldCity")
        chosen = rnd.sample(CORE, rnd.randint(0, 5 if not high else 2))
        chosen += rnd.sample(EXTENDED, rnd.randint(0, 4 if high else 2))
        year = start_year
        for k, typ in enumerate(chosen, 1):
            dims, scopes, _ = TYPES[typ]
            iv = f"<{BASE}{code}/i{k}>"
            year = min(2024, year + rnd.randint(0, 1))
            yield t(iv, RDF_TYPE, f"<{CS}{typ}>")
            yield t(iv, RDFS_LABEL, _lit(f"{code} 举措 {k}", "zh"))
            yield t(iv, CS + "inCommunity", c)
            for d in dims:
                yield t(iv, CS + "builds", f"<{CS}{d}>")
            for sc in scopes:
                yield t(iv, CS + "targetsScope", f"<{CS}{sc}>")
            yield t(iv, CS + "startDate", _lit(f"{year}-{rnd.randint(1, 12):02d}", dt="gYearMonth"))
            yield t(iv, CS + "dateStatus", f"<{CS}AssumedBeyondSource>")
            yield t(iv, DCT_SOURCE, src)
        if chosen:
            day = f"{min(2024, year + 1)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
            interview = f"<{BASE}{code}/interview>"
            yield t(interview, RDF_TYPE, f"<{CS}Interview>")
            yield t(interview, CS + "interviewCode", _lit(f"{day}-{code} 社区居委会主任"))
            yield t(interview, CS + "interviewDate", _lit(f"{day[:4]}-{day[4:6]}-{day[6:]}", dt="date"))
            yield t(interview, CS + "inCommunity", c)
            yield t(interview, CS + "intervieweeRole", f"<{CS}CommitteeDirector>")
            quote = f"<{BASE}{code}/quote>"
            yield t(quote, RDF_TYPE, f"<{CS}Quotation>")
            yield t(quote, CS + "quotationText", _lit(f"（合成引文）{code} 的居民越来越熟悉了。", "zh"))
            yield t(quote, CS + "fromInterview", interview)
            yield t(quote, CS + "evidences", f"<{BASE}{code}/i{rnd.randint(1, len(chosen))}>")


def synthesize(n: int, seed: int, output: str | Path) -> int:
    """Write ``n`` synthetic communities to ``output`` (N-Triples); return the triple count."""
    lines = list(synthesize_lines(n, seed))
    write_atomic(Path(output), "\n".join(lines) + "\n")
    return len(lines)
