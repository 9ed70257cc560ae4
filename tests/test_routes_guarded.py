"""Every URL rule is either marked public or guarded by a role check.

A new route without ``@public``, ``@role_required`` or ``@api_auth`` fails here, and every
guarded route refuses an anonymous visitor: pages redirect to log-in, the API answers 401.
"""

import re

import pytest


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule, view in _rules(app)
        if not getattr(view, "is_public", False) and not hasattr(view, "required_roles")
    ]
    assert undeclared == []


def _sample_url(rule) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: "1" if "id" in m.group(1) else "x", rule.rule)


def test_guarded_routes_refuse_anonymous_visitors(app, client):
    checked = 0
    for rule, view in _rules(app):
        if getattr(view, "is_public", False):
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("role", ["staff"])
def test_admin_pages_refuse_other_roles(app, client, make_user, login, role):
    login(make_user(role))
    for rule, view in _rules(app):
        roles = getattr(view, "required_roles", None)
        if roles == () and "GET" in rule.methods:  # admin only
            url = _sample_url(rule)
            assert client.get(url).status_code in (403, 401), url
