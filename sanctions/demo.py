"""The demo catalogue: measures and memoranda (registered with credit_platform.demo in SanctionsConfig.ready())."""
from sanctions.models import Measure, Memorandum


def memorandum_citation(title: str, document_number: str = "") -> str:
    """How a measure cites a memorandum: its own title, and its document number where one is given
    (never a citation made up here)."""
    citation = f"《{title.strip().strip('《》')}》"
    return f"{citation}（{document_number.strip()}）" if (document_number or "").strip() else citation


def _bases(catalog: dict) -> dict[str, str]:
    """Measure code → its basis: the memoranda of the catalogue that list it, by code (as migration 0010 fills them)."""
    citations: dict[str, list[str]] = {}
    for row in sorted(catalog.get("memoranda", []), key=lambda row: row["code"]):
        for code in row.get("measures", []):
            citations.setdefault(code, []).append(memorandum_citation(row["name"], row.get("document_number", "")))
    return {code: "；".join(dict.fromkeys(cited)) for code, cited in citations.items()}


def load_catalogue(catalog: dict, departments: dict) -> dict[str, int]:
    created = {"measures": 0, "memoranda": 0}
    measures = {}
    bases = _bases(catalog)
    for row in catalog.get("measures", []):
        values = {
            "department": departments[row["department"]],
            "kind": row["kind"],
            "category": row["category"],
            "name": row["name"],
            "name_en": row.get("name_en", ""),
            "legal_basis": row.get("legal_basis") or bases.get(row["code"], ""),
            "applies_to": list(row.get("applies_to", [])),
        }
        measure, was_created = Measure.objects.get_or_create(code=row["code"], defaults=values)
        changed = [f for f, v in values.items() if getattr(measure, f) != v]
        if changed and not was_created:
            for f in changed:
                setattr(measure, f, values[f])
            measure.save(update_fields=changed)
        measures[measure.code] = measure
        created["measures"] += was_created
    for row in catalog.get("memoranda", []):
        values = {
            "name": row["name"],
            "name_en": row.get("name_en", ""),
            "kind": row["kind"],
            "list_type": row["list_type"],
            "domain": row["domain"],
        }
        memorandum, was_created = Memorandum.objects.get_or_create(code=row["code"], defaults=values)
        changed = [f for f, v in values.items() if getattr(memorandum, f) != v]
        if changed and not was_created:
            for f in changed:
                setattr(memorandum, f, values[f])
            memorandum.save(update_fields=changed)
        wanted_initiators = {departments[c].pk for c in row.get("initiators", [])}
        if set(memorandum.initiators.values_list("pk", flat=True)) != wanted_initiators:
            memorandum.initiators.set(wanted_initiators)
        wanted_measures = {measures[c].pk for c in row.get("measures", [])}
        if set(memorandum.measures.values_list("pk", flat=True)) != wanted_measures:
            memorandum.measures.set(wanted_measures)
        created["memoranda"] += was_created
    return created
