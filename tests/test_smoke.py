from django.test import Client


def test_sign_in_page_renders(db: None) -> None:
    response = Client().get("/sign-in/")
    assert response.status_code == 200
    assert b"Sign in to Townsquare" in response.content
