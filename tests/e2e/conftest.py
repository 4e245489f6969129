"""conftest.py: pytest fixtures of the end-to-end tier."""

import glob
import os
import shutil
import subprocess
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


# Every XML-RPC list answer the run's simulators give (odoo-sim --record) is
# kept here, and replayed at the end through the bridge's two conversions
# (the one-pass path and xmlrpc-c + json-c) by tests/unit/test_xmlrpc_fast's
# "recorded" test: any difference fails the run (issue 20).
RECORDED = None


def pytest_configure(config):
    global RECORDED
    if harness.PROTOCOL == "xmlrpc" and not os.environ.get("ODOO_SIM_RECORD"):
        RECORDED = harness.tmpdir("ob-answers-")
        os.environ["ODOO_SIM_RECORD"] = RECORDED


def replay_recorded(directory):
    """Runs the differential test over directory; (ok, its output)."""
    binary = os.path.join(harness.TOP_BUILDDIR, "tests", "unit", "test_xmlrpc_fast")
    if not os.path.exists(binary):
        # run by hand rather than by make check: build it
        subprocess.run(["make", "-C", harness.TOP_BUILDDIR, "tests/unit/test_xmlrpc_fast"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False)
    if not os.path.exists(binary):
        return False, "no %s to replay the recorded answers with" % binary
    r = subprocess.run([binary, "--filter=xmlrpc_fast/recorded", "--jobs=1"],
                       env=dict(os.environ, XF_RECORDED=directory),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    out = r.stdout.decode("utf-8", "replace")
    return r.returncode == 0 and "recorded:" in out, out


@pytest.fixture(scope="session", autouse=True)
def recorded_answers_agree():
    """Fails the run at its end when the one-pass conversion and xmlrpc-c +
    json-c disagree on any list answer the simulators gave during it."""
    yield
    if RECORDED is None:
        return
    try:
        if glob.glob(os.path.join(RECORDED, "*.response.xml")):
            ok, out = replay_recorded(RECORDED)
            sys.stderr.write("\n" + "\n".join(line for line in out.splitlines() if "recorded:" in line) + "\n")
            assert ok, out[-4000:]
    finally:
        shutil.rmtree(RECORDED, ignore_errors=True)
