import pytest
from django.db import connection

from credit_platform.models import Subject


def test_a_name_search_can_use_the_trigram_index(db):
    """The admin's and the public site's ``name__icontains`` is answered by subject_name_trgm_idx
    (forced here: a test table is too small for the planner to prefer it on its own)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL index")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")

    plan = Subject.objects.filter(name__icontains="金川建筑").order_by().explain()

    assert "subject_name_trgm_idx" in plan
