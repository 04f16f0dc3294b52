"""The demo district (fixtures/demo_catalog.yaml): departments, users, subjects, and the catalogue.

Idempotent: every row is found by its stable code or identifier and only created or corrected.
The core loads its own rows; each app adds its part of the demo world by registering a loader in its
AppConfig.ready() (``register_demo_loader``), so this module names no app.
"""
from collections.abc import Callable
from pathlib import Path

import yaml
from django.db import transaction

from credit_platform import services
from credit_platform.models import Department, Region, ResponsiblePerson, Subject, User

CATALOG_PATH = Path(__file__).parent / "fixtures" / "demo_catalog.yaml"
DEMO_PASSWORD = "demo-pass-2026"

# A loader takes (catalog, departments by code) and returns how many rows of each kind it created.
DemoLoader = Callable[[dict, dict[str, Department]], dict[str, int]]
_demo_loaders: dict[str, tuple[int, DemoLoader]] = {}


def register_demo_loader(name: str, loader: DemoLoader, *, order: int) -> None:
    """Have ``seed`` call ``loader`` after the core's rows, in ascending ``order`` (then ``name``).

    Give an app's loader an order above those of the apps it builds on (a lower layer's rows exist
    before a higher layer's loader runs). Registering the same name again replaces it.
    """
    _demo_loaders[name] = (order, loader)


def demo_loaders() -> list[DemoLoader]:
    """The registered loaders, in the order ``seed`` calls them."""
    return [loader for _name, (_order, loader) in sorted(_demo_loaders.items(), key=lambda item: (item[1][0], item[0]))]


def load_catalog(path: Path = CATALOG_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _ensure_user(*, username: str, department: Department, superuser: bool = False) -> bool:
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, is_staff=True, is_superuser=superuser)
        user.set_password(DEMO_PASSWORD)
        user.save()
    elif not user.is_staff or user.is_superuser != superuser:
        user.is_staff, user.is_superuser = True, superuser
        user.save(update_fields=["is_staff", "is_superuser"])
    if user.department_id != department.id or not user.groups.filter(pk=department.group_id).exists():
        services.user_set_department(user=user, department=department)
    return created


def _ensure_demo_regions(catalog: dict) -> None:
    """The demo's regions (GB/T 2260 form): the demo city and, under it, the demo district."""
    parent = None
    for row in catalog.get("regions", []):
        region, _created = Region.objects.get_or_create(code=str(row["code"]), defaults={"name": row["name"], "parent": parent})
        parent = region


@transaction.atomic
def seed(catalog: dict | None = None, *, region_code: str = "") -> dict[str, int]:
    """Load the demo world; return how many rows of each kind were created."""
    catalog = catalog or load_catalog()
    created = {"departments": 0, "users": 0, "subjects": 0, "responsible_persons": 0}
    region = catalog.get("region", {})
    if region_code:
        # A city instance of the demo (the exchange's upper platform): the same world under another region code.
        region = {**region, "code": region_code, "level": "city" if region_code.endswith("00") else region.get("level", "county")}
    _ensure_demo_regions(catalog)

    departments = {}
    for row in catalog["departments"]:
        department, was_created = services.department_upsert(
            code=row["code"], name=row["name"], name_en=row.get("name_en", ""), roles=row.get("roles", []),
            region_code=region.get("code", ""), level=row.get("level", region.get("level", "county")),
        )
        departments[row["code"]] = department
        created["departments"] += was_created

    for department in departments.values():
        created["users"] += _ensure_user(username=department.code, department=department)
    created["users"] += _ensure_user(username="admin", department=departments["credit_office"], superuser=True)
    created["users"] += _ensure_user(username="leader", department=departments["leadership_office"])

    # Persons first, so organisations can link their representatives. YAML reads an all-digit ID as an int.
    rows = [
        {**row, "identifier": str(row["identifier"]), "representative": str(row.get("representative") or "")}
        for row in sorted(catalog["subjects"], key=lambda r: r["kind"] != "natural_person")
    ]
    existing = set(Subject.objects.filter(identifier__in=[r["identifier"] for r in rows]).values_list("identifier", flat=True))
    for row in rows:
        if row["identifier"] not in existing:
            services.subject_create(kind=row["kind"], identifier=row["identifier"], name=row["name"])
            created["subjects"] += 1
    subjects = {s.identifier: s for s in Subject.objects.filter(identifier__in=[r["identifier"] for r in rows])}
    for row in rows:
        if row.get("representative"):
            organisation, person = subjects[row["identifier"]], subjects[row["representative"]]
            role = ResponsiblePerson.Role.LEGAL_REPRESENTATIVE
            if not ResponsiblePerson.objects.filter(organisation=organisation, person=person, role=role).exists():
                services.subject_link_responsible_person(organisation=organisation, person=person, role=role)
                created["responsible_persons"] += 1

    for loader in demo_loaders():
        created.update(loader(catalog, departments))
    return created
