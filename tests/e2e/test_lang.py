"""The request's language as Odoo's context lang (issue 19; src/lang.h).

The simulator, as the captured Odoo, has only en_US installed, and refuses
any other context lang ("Invalid language code: es_ES"); a test installs
another by activating its res.lang record, as Odoo's Settings do.  The
simulator counts calls by the lang of their context (stats context_lang).
"""

import harness
import pytest

from test_resources import Api, login, odoo, ok  # noqa: F401

LANGS = {"es_ES": 2, "es_MX": 3, "fr_FR": 4, "en_GB": 5}   # the simulator's res.lang ids


def langs_seen(sim, call):
    sim.reset_stats()
    call()
    return {k: v for k, v in sim.stats().get("context_lang", {}).items() if k}


def install(odoo, *codes, active=True):
    odoo("res.lang", "write", [LANGS[c] for c in codes], {"active": active})


def test_only_installed_languages_are_passed(clean_sim, env, odoo):
    api = Api(env, login(env))
    page = lambda **kw: ok(api.get("products", "page=1&limit=2", **kw))  # noqa: E731
    # en_US alone: Spanish (the API's default) fits none, English is en_US.
    assert langs_seen(clean_sim, page) == {}
    seen = langs_seen(clean_sim, lambda: page(headers={"Accept-Language": "en"}))
    assert set(seen) == {"en_US"}, seen
    install(odoo, "es_ES", "es_MX")
    assert set(langs_seen(clean_sim, page)) == {"es_ES"}
    assert set(langs_seen(clean_sim, lambda: page(headers={"Accept-Language": "es-MX,es;q=0.9"}))) == {"es_MX"}
    # A language the API does not speak: the API answers in Spanish, and so does Odoo.
    assert set(langs_seen(clean_sim, lambda: page(headers={"Accept-Language": "fr"}))) == {"es_ES"}
    # Writes carry it too: Odoo's own messages come back in the request's language.
    seen = langs_seen(clean_sim, lambda: ok(api("POST", "customers", body={"name": "Idioma"}), 201))
    assert set(seen) == {"es_ES"}, seen


@pytest.mark.parametrize("setting,want", [("off", set()), ("en_GB", {"en_GB"})])
def test_odoo_lang_setting(clean_sim, workdir, odoo, setting, want):
    install(odoo, "es_ES", "en_GB")
    env = harness.bridge_env(clean_sim.url, workdir, ODOO_LANG=setting)
    api = Api(env, login(env))
    assert set(langs_seen(clean_sim, lambda: ok(api.get("products", "page=1&limit=2")))) == want


def test_bad_odoo_lang_setting_refuses_to_start(clean_sim, workdir):
    env = harness.bridge_env(clean_sim.url, workdir, ODOO_LANG="Spanish")
    r = harness.run_cgi(env, method="GET", path="/health")
    assert r.status == 500 or r.returncode != 0, (r.status, r.stderr)
    assert "ODOO_LANG" in r.stderr


def test_a_language_uninstalled_later_costs_no_request(clean_sim, workdir, odoo):
    """A long-lived process knows the languages from before: Odoo's refusal makes it ask again."""
    install(odoo, "es_ES")
    b = harness.ListeningBridge(harness.bridge_env(clean_sim.url, workdir), workdir)
    try:
        token = login(harness.bridge_env(clean_sim.url, workdir))
        get = lambda: ok(b.request("GET", "/api/v1/products", query="page=1&limit=2",  # noqa: E731
                                   headers={"Authorization": "Bearer " + token}))
        assert set(langs_seen(clean_sim, get)) == {"es_ES"}
        install(odoo, "es_ES", active=False)
        get()
        assert langs_seen(clean_sim, get) == {}, "asked again: no Spanish installed now"
    finally:
        b.stop()
    with open(b.log_path) as f:
        assert "Odoo refused the context lang es_ES" in f.read()
