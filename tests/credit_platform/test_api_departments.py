import pytest

from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def court():
    parent = DepartmentFactory(code="gov", name="区政府", name_en="District government", roles=())
    return DepartmentFactory(code="court", name="区人民法院", name_en="District court", roles=["initiating"], parent=parent)


def test_list_shows_code_names_roles_and_parent_code(client_as, dept_user, court):
    client = client_as(dept_user())

    response = client.get("/api/v1/departments/", {"code": "court"})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "code": "court",
            "name": "区人民法院",
            "name_en": "District court",
            "roles": ["initiating"],
            "parent": "gov",
            "region_code": "",
            "level": "county",
            "is_active": True,
        }
    ]


def test_detail_by_code(client_as, dept_user, court):
    client = client_as(dept_user())

    response = client.get("/api/v1/departments/court/")

    assert response.status_code == 200
    assert response.json()["code"] == "court"


def test_unknown_code_is_404(client_as, dept_user):
    response = client_as(dept_user()).get("/api/v1/departments/no-such-dept/")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("roles", [["executing"], ["credit_office"], ["leadership_office"]])
def test_every_department_may_read_the_catalogue(client_as, dept_user, court, roles):
    response = client_as(dept_user(roles=roles)).get("/api/v1/departments/")

    assert response.status_code == 200
    assert "court" in [row["code"] for row in response.json()["results"]]


def test_list_query_count_does_not_grow_with_departments(client_as, dept_user, court, django_assert_max_num_queries):
    client = client_as(dept_user())
    for _i in range(10):
        DepartmentFactory(parent=court)

    with django_assert_max_num_queries(4):  # user's department, count, page (parents joined)
        response = client.get("/api/v1/departments/")
    assert response.status_code == 200
