from django.test import override_settings


@override_settings(DEBUG=False)
def test_unknown_page_answers_404_with_the_site_layout(client, db):
    # when
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 404
    body = response.content.decode()
    assert "<main" in body
    assert 'lang="' in body
    assert "Page not found" in body or "Pagina niet gevonden" in body


def test_server_error_page_needs_no_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b'<html lang="nl">' in response.content
    assert b"<title>" in response.content
