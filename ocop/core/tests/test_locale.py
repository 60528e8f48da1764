import pytest


@pytest.mark.django_db
def test_vietnamese_first_whatever_the_browser_says(client):
    r = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r["Content-Language"] == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/tai-khoan/dang-nhap/")["Content-Language"] == "en"
