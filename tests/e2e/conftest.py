"""conftest.py: pytest fixtures of the end-to-end tier."""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contract  # noqa: E402
import harness  # noqa: E402


@pytest.fixture(scope="session")
def sim():
    d = harness.tmpdir("ob-sim-")
    s = harness.Sim(d)
    yield s
    s.close()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def openapi_contract(sim):
    """The bridge's /openapi.json for this Odoo (read once, as CGI): from
    here on every answer the harness returns is checked against it."""
    d = harness.tmpdir()
    r = harness.run_cgi(harness.bridge_env(sim.url, d), "GET", "/openapi.json")
    shutil.rmtree(d, ignore_errors=True)
    assert r.status == 200, (r.status, r.body[:500], r.stderr[-2000:])
    harness.CONTRACT = contract.Contract(r.json())
    yield harness.CONTRACT
    harness.CONTRACT = None


@pytest.fixture
def clean_sim(sim):
    """The simulator with its demo data and defaults restored."""
    sim.reset()
    yield sim
    sim.reset()


@pytest.fixture
def workdir():
    d = harness.tmpdir()
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def env(sim, workdir):
    return harness.bridge_env(sim.url, workdir)


@pytest.fixture(scope="session", autouse=True)
def valgrind_logs_clean():
    """With ODOO_BRIDGE_WRAPPER="valgrind ... --log-file=DIR/vg.%p.log", fails
    the run at its end on any error or definite leak in DIR/vg.*.log."""
    yield
    import servers
    for w in harness.BRIDGE_WRAPPER:
        if w.startswith("--log-file="):
            problems = servers.valgrind_problems(os.path.dirname(w[len("--log-file="):]) or ".")
            assert not problems, "\n".join(problems)
