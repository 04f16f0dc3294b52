"""The demo district's information catalogue (fixtures/demo_record_types.yaml), registered with
credit_platform.demo in RecordsConfig.ready(). Idempotent: each type found by its code, corrected
where it differs, checked by the catalogue's rules (a forbidden field fails the seed)."""
from pathlib import Path

import yaml

from records.models import RecordType

PATH = Path(__file__).parent / "fixtures" / "demo_record_types.yaml"
VALUES = ("name", "kind", "public", "fields", "needs_consent", "domain")


def load_record_types(catalog: dict, departments: dict) -> dict[str, int]:
    with open(PATH, encoding="utf-8") as fh:
        rows = yaml.safe_load(fh)["record_types"]
    created = 0
    for row in rows:
        values = {"name": row["name"], "kind": row["kind"], "public": bool(row.get("public", False)), "fields": list(row.get("fields", [])),
                  "needs_consent": bool(row.get("needs_consent", False)), "domain": row.get("domain", "")}
        record_type = RecordType.objects.filter(code=row["code"]).first()
        if record_type is None:
            record_type = RecordType(code=row["code"], **values)
            created += 1
        changed = record_type.pk is None or any(getattr(record_type, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(record_type, name, value)
            record_type.full_clean()
            record_type.save()
        wanted = {departments[code].pk for code in row.get("departments", []) if code in departments}
        if set(record_type.departments.values_list("pk", flat=True)) != wanted:
            record_type.departments.set(wanted)
    return {"record_types": created}
