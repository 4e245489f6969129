"""servers.py: run the shipped deployment files for real: lighttpd, Apache
with mod_fcgid, Apache with mod_cgi(d), nginx in front of the bridge's
--listen socket.  Each server runs on a free loopback port in a private
directory, from the shipped file with only ports and paths filled in, and is
stopped by pid.  Standard library only."""

import glob
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import harness

APACHE_MODULES = "/usr/lib/apache2/modules"

# The paths the shipped files use, which the tests replace.
SHIPPED_BIN = "/usr/local/bin/odoo-bridge"
SHIPPED_CONF = "/etc/odoo-bridge/odoo-bridge.conf"

# The four ways to deploy, and the file each one ships.
KINDS = {
    "lighttpd": "lighttpd/odoo-bridge.conf",
    "apache-fcgid": "apache/odoo-bridge.conf",
    "apache-cgi": "apache/odoo-bridge-cgi.conf",
    "nginx": "contrib/nginx-odoo-bridge.conf",
}
SERVICE_UNIT = "contrib/odoo-bridge.service"

# What valgrind runs with when a test asks for it and ODOO_BRIDGE_WRAPPER does
# not say otherwise.  Definite leaks count as errors; the rest is noise for a
# process that a web server ends with SIGTERM.
VALGRIND = ["valgrind", "--tool=memcheck", "--leak-check=full", "--errors-for-leak-kinds=definite",
            "--error-exitcode=99"]

# Lines in a server's error log that mean the bridge crashed or a sanitizer
# found a bug, whatever the HTTP answers looked like.
CRASH_PATTERNS = re.compile(
    r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:"
    r"|get unexpected signal|child signalled|Segmentation fault|core dumped")

# Apache's AH00052 ("child pid N exit signal ...") is logged by httpd's parent
# for the processes it forked itself: its MPM workers, mod_cgid's daemon,
# mod_fcgid's process manager.  The bridge is never one of them: mod_cgid's
# daemon sets SIGCHLD to SIG_IGN (mod_cgid.c, cgid_server()), so a CGI
# program's death is not reaped by httpd, and mod_fcgid reports its own
# processes as "get unexpected signal".  A crash of the bridge under
# Apache shows up as a failed answer (500, "End of script output before
# headers") or as the lines above; an AH00052 is httpd's own crash (seen
# once in CI: an mpm_event worker of Debian's 2.4 at shutdown), reported
# as a warning, not as the bridge's.
APACHE_OWN_CRASH = re.compile(r"AH0005[12]: child pid \d+ exit signal")


def shipped(relpath):
    with open(os.path.join(harness.TOP_SRCDIR, relpath)) as f:
        return f.read()


def substitute(text, pairs, what):
    """Replaces each (old, new) in text; an old string that is not there
    fails, so that a changed shipped file cannot leave a test running
    something else than what it names."""
    for old, new in pairs:
        if old not in text:
            raise AssertionError("%s: %r not found in the shipped file" % (what, old))
        text = text.replace(old, new)
    return text


def run_account():
    """The user servers run as: Apache refuses root, so when the tests run
    as root the servers drop to www-data (or nobody), as on a real host."""
    if os.geteuid() != 0:
        return None
    for name in ("www-data", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    raise RuntimeError("neither www-data nor nobody exists")


def wrapper_words(valgrind):
    """The command put in front of every bridge process: ODOO_BRIDGE_WRAPPER
    when set, else valgrind when asked for, else nothing."""
    if harness.BRIDGE_WRAPPER:
        return list(harness.BRIDGE_WRAPPER)
    return list(VALGRIND) if valgrind else []


def sanitized(path):
    """Whether the binary was built with AddressSanitizer, which cannot run
    under valgrind."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def valgrind_problems(logdir):
    """Reads every vg.*.log in logdir; returns one line per log with an
    error, a definite leak, or no final summary (a process that did not end
    normally was not checked)."""
    problems = []
    for path in sorted(glob.glob(os.path.join(logdir, "vg.*.log"))):
        with open(path, errors="replace") as f:
            text = f.read()
        m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        if m is None:
            problems.append("%s: no ERROR SUMMARY (process did not finish)" % path)
        elif int(m.group(1)) != 0:
            problems.append("%s: %s errors\n%s" % (path, m.group(1), text[-4000:]))
        elif re.search(r"definitely lost: [1-9]", text):
            problems.append("%s: definite leak\n%s" % (path, text[-4000:]))
    return problems


class Deployment:
    """One web server (kind in KINDS) with the bridge behind it.

    settings: extra bridge settings for its 0600 config file (e.g. MAX_BODY).
    edits: extra (old, new) replacements in the shipped file, for knobs a
    test turns (e.g. MaxRequestsPerProcess); each must match.
    main_extra: lines for the server's own main config (server-wide knobs
    that are not part of the shipped file).
    valgrind: run every bridge process under valgrind (see wrapper_words)."""

    def __init__(self, kind, sim, settings=None, edits=(), main_extra="", valgrind=False):
        self.kind = kind
        self.sim = sim
        self.port = harness.free_port()
        self.procs = []
        self.account = run_account()
        self.dir = tempfile.mkdtemp(prefix="ob-%s-" % kind)
        os.chmod(self.dir, 0o755)
        for sub in ("bin", "etc", "www", "run", "logs", "vg"):
            os.mkdir(os.path.join(self.dir, sub), 0o755)
        self.error_log = os.path.join(self.dir, "logs", "error.log")
        self.wrapper = wrapper_words(valgrind)
        self.vg_dir = os.path.join(self.dir, "vg")
        self.vg_target = None
        for sub in ("run", "logs", "vg"):   # written by the servers' user
            self._give(os.path.join(self.dir, sub))
        self.bin = self._install_binary()
        self.conf = self._write_bridge_conf(settings or {})
        text = shipped(KINDS[kind])
        text = substitute(text, list(edits), KINDS[kind])
        self.main_extra = main_extra
        self.server_conf = getattr(self, "_conf_" + kind.replace("-", "_"))(text)

    # ---- files ----

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _give(self, path):
        if self.account is not None:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def _install_binary(self):
        """A copy of the built program (the build tree may not be readable by
        the servers' user), or the wrapper script standing in for it."""
        real = self.path("bin", "odoo-bridge.real" if self.wrapper else "odoo-bridge")
        shutil.copy(harness.BRIDGE, real)
        os.chmod(real, 0o755)
        if not self.wrapper:
            return real
        words = []
        for w in self.wrapper:
            if w.startswith("--log-file="):
                # Where the caller wants the logs; a copy goes there when the
                # server stops.
                self.vg_target = os.path.dirname(w[len("--log-file="):]) or None
            else:
                words.append(w)
        if os.path.basename(words[0]) == "valgrind":
            # In the private directory: the servers' user must be able to write it.
            words.insert(1, "--log-file=" + os.path.join(self.vg_dir, "vg.%p.log"))
        template = shipped("tests/e2e/valgrind-wrapper.sh")
        script = substitute(template, [("@WRAPPER@", " ".join(shlex.quote(w) for w in words)),
                                       ("@BRIDGE@", shlex.quote(real))], "valgrind-wrapper.sh")
        path = self.path("bin", "odoo-bridge")
        with open(path, "w") as f:
            f.write(script)
        os.chmod(path, 0o755)
        return path

    def _write_bridge_conf(self, settings):
        """The bridge's settings in a 0600 file owned by the servers' user,
        as the deployment instructions say."""
        env = harness.bridge_env(self.sim.url, self.path("run"),
                                 THROTTLE_FILE=self.path("run", "throttle"), **settings)
        path = self.path("etc", "odoo-bridge.conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            for k, v in sorted(env.items()):
                if k == "PATH" or k.endswith("SAN_OPTIONS"):
                    continue
                f.write("%s=%s\n" % (k, v))
        self._give(path)
        return path

    def _write(self, name, text):
        path = self.path(name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def _user_lines(self, fmt):
        if self.account is None:
            return ""
        group = self.account.pw_name  # www-data and nobody have a group of their name
        return fmt % {"user": self.account.pw_name, "group": "nogroup" if group == "nobody" else group}

    # ---- one method per kind: the server's main config around the shipped file ----

    def _conf_lighttpd(self, text):
        text = substitute(text, [(SHIPPED_BIN, self.bin), (SHIPPED_CONF, self.conf),
                                 ("/run/lighttpd/odoo-bridge.sock", self.path("run", "odoo-bridge.sock"))],
                          KINDS["lighttpd"])
        inc = self._write("odoo-bridge.lighttpd.conf", text)
        main = """server.bind = "127.0.0.1"
server.port = %(port)d
server.document-root = "%(dir)s/www"
server.errorlog = "%(log)s"
%(user)s%(extra)sinclude "%(inc)s"
""" % {"extra": self.main_extra, "port": self.port, "dir": self.dir, "log": self.error_log, "inc": inc,
       "user": self._user_lines('server.username = "%(user)s"\nserver.groupname = "%(group)s"\n')}
        return self._write("lighttpd.conf", main)

    def _conf_apache(self, text, module_lines):
        d = self.dir
        text = substitute(text, [(SHIPPED_BIN, self.bin), (SHIPPED_CONF, self.conf),
                                 ('"/usr/local/bin"', '"%s"' % self.path("bin"))], KINDS[self.kind])
        inc = self._write("odoo-bridge.apache.conf", text)
        mods = ["mpm_event", "authz_core", "alias", "mime", "env"] + module_lines
        loads = "".join("LoadModule %s_module %s/mod_%s.so\n" % (m, APACHE_MODULES, m) for m in mods)
        fcgid_dir = self.path("run", "fcgid")
        os.mkdir(fcgid_dir, 0o755)
        self._give(fcgid_dir)
        main = """ServerRoot "%(d)s"
ServerName 127.0.0.1
Listen 127.0.0.1:%(port)d
PidFile "%(d)s/run/httpd.pid"
DefaultRuntimeDir "%(d)s/run"
Mutex file:%(d)s/run default
ErrorLog "%(log)s"
LogLevel %(loglevel)s
%(loads)s%(user)sTypesConfig /etc/mime.types
StartServers 1
DocumentRoot "%(d)s/www"
<Directory />
	AllowOverride None
	Require all denied
</Directory>
<Directory "%(d)s/www">
	Require all granted
</Directory>
<IfModule fcgid_module>
	FcgidIPCDir "%(fcgid)s"
	FcgidProcessTableFile "%(fcgid)s/shm"
</IfModule>
<IfModule cgid_module>
	ScriptSock "%(d)s/run/cgisock"
</IfModule>
%(extra)sInclude "%(inc)s"
""" % {"extra": self.main_extra, "d": d, "port": self.port, "log": self.error_log, "loads": loads, "fcgid": fcgid_dir, "inc": inc,
       "user": self._user_lines("User %(user)s\nGroup %(group)s\n"),
       # fcgid:info logs each process start and end (the recycling test counts them).
       "loglevel": "warn fcgid:info" if "fcgid" in module_lines else "warn"}
        return self._write("httpd.conf", main)

    def _conf_apache_fcgid(self, text):
        return self._conf_apache(text, ["fcgid"])

    def _conf_apache_cgi(self, text):
        return self._conf_apache(text, ["cgid"])

    def _conf_nginx(self, text):
        self.socket = self.path("run", "odoo-bridge.sock")
        text = substitute(text, [("unix:/run/odoo-bridge/odoo-bridge.sock", "unix:" + self.socket),
                                 ("listen 80;", "listen 127.0.0.1:%d;" % self.port)], KINDS["nginx"])
        inc = self._write("odoo-bridge.nginx.conf", text)
        tmp = self.path("run", "nginx-tmp")
        os.mkdir(tmp, 0o755)
        self._give(tmp)
        main = """%(user)spid %(d)s/run/nginx.pid;
error_log %(log)s info;
worker_processes 1;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %(tmp)s/body;
	fastcgi_temp_path %(tmp)s/fastcgi;
	proxy_temp_path %(tmp)s/proxy;
	%(extra)sinclude %(inc)s;
}
""" % {"extra": self.main_extra, "d": self.dir, "log": self.error_log, "tmp": tmp, "inc": inc,
       "user": self._user_lines("user %(user)s %(group)s;\n")}
        return self._write("nginx.conf", main)

    # ---- the bridge as the systemd unit runs it (for nginx) ----

    def _service_commands(self):
        """ExecStartPre/ExecStart, Environment= and UMask= of the shipped
        unit, with its paths moved into the private directory."""
        unit = shipped(SERVICE_UNIT)
        moves = [(SHIPPED_BIN, self.bin), (SHIPPED_CONF, self.conf), ("/run/odoo-bridge/", self.path("run") + "/")]
        pre, start, env, umask = [], None, {}, 0o022
        for line in unit.splitlines():
            key, _, value = line.partition("=")
            if key == "Environment":
                k, _, v = value.partition("=")
                for old, new in moves:
                    v = v.replace(old, new)
                env[k] = v
            elif key in ("ExecStartPre", "ExecStart"):
                for old, new in moves:
                    value = value.replace(old, new)
                if key == "ExecStart":
                    start = shlex.split(value)
                else:
                    pre.append(shlex.split(value))
            elif key == "UMask":
                umask = int(value, 8)
        assert start and SHIPPED_BIN not in " ".join(start), "ExecStart of %s" % SERVICE_UNIT
        assert "ODOO_BRIDGE_CONFIG" in env, "%s sets no ODOO_BRIDGE_CONFIG" % SERVICE_UNIT
        return pre, start, env, umask

    def _start_listening_bridge(self):
        pre, start, unit_env, umask = self._service_commands()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        env.update(unit_env)
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        ids = {}
        if self.account is not None:
            ids = {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}
        log = open(self.path("logs", "bridge.log"), "w")
        for cmd in pre:
            p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=120, umask=umask, **ids)
            assert p.returncode == 0, "%s: %s" % (" ".join(cmd), p.stdout.decode(errors="replace"))
        proc = subprocess.Popen(start, env=env, stdout=log, stderr=subprocess.STDOUT, umask=umask, **ids)
        log.close()
        self.procs.append(proc)
        harness.wait_for(lambda: os.path.exists(self.socket) or proc.poll() is not None, timeout=60,
                         what="the bridge's --listen socket")
        if proc.poll() is not None:
            raise RuntimeError("the bridge did not start:\n" + self.read_log("bridge.log"))

    # ---- life ----

    def command(self):
        if self.kind == "lighttpd":
            return ["lighttpd", "-D", "-f", self.server_conf]
        if self.kind.startswith("apache"):
            return ["apache2", "-f", self.server_conf, "-DFOREGROUND"]
        return ["nginx", "-p", self.dir, "-e", self.error_log, "-c", self.server_conf, "-g", "daemon off;"]

    def check_config(self):
        """The server's own syntax check of the generated configuration."""
        cmd = {"lighttpd": ["lighttpd", "-tt", "-f", self.server_conf],
               "nginx": ["nginx", "-t", "-p", self.dir, "-e", self.error_log, "-c", self.server_conf]}.get(
            self.kind, ["apache2", "-t", "-f", self.server_conf])
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)

    def start(self):
        if self.kind == "nginx":
            self._start_listening_bridge()
        out = open(self.path("logs", "server.out"), "w")
        proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        out.close()
        self.procs.append(proc)
        harness.wait_for(lambda: harness.port_open(self.port) or proc.poll() is not None, timeout=60,
                         what="%s on port %d" % (self.kind, self.port))
        if proc.poll() is not None:
            raise RuntimeError("%s did not start:\n%s\n%s" % (self.kind, self.read_log("server.out"),
                                                               self.read_log("error.log")))
        return self

    def read_log(self, name="error.log"):
        try:
            with open(self.path("logs", name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _bridge_pids(self):
        """Processes still running from the private directory (bridge
        processes a server started, under a wrapper or not)."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if self.path("bin").encode() + b"/" in cmd:
                pids.append(int(entry))
        return pids

    def stop(self):
        """Stops the server, then the bridge processes, by pid."""
        for proc in reversed(self.procs):
            harness.stop(proc)
        try:
            harness.wait_for(lambda: not self._bridge_pids(), timeout=30, what="bridge processes to end")
        except TimeoutError:
            for pid in self._bridge_pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)
        target = self.vg_target
        if target and os.path.isdir(target):
            for path in self.vg_logs():
                # vg.<pid>.log -> vg.<kind>-<pid>.log
                shutil.copy(path, os.path.join(target, "vg.%s-%s" % (self.kind, os.path.basename(path)[3:])))

    def problems(self):
        """What the logs say went wrong behind the HTTP answers: crashes,
        sanitizer reports, valgrind errors.  Call after stop()."""
        found = []
        for name in ("error.log", "bridge.log", "server.out"):
            for line in self.read_log(name).splitlines():
                if self.kind.startswith("apache") and APACHE_OWN_CRASH.search(line):
                    sys.stderr.write("warning: %s: httpd's own process crashed, not the bridge: %s\n"
                                     % (self.kind, line))
                elif CRASH_PATTERNS.search(line):
                    found.append("%s: %s" % (name, line))
        found += valgrind_problems(self.vg_dir)
        return found

    def vg_logs(self):
        return glob.glob(os.path.join(self.vg_dir, "vg.*.log"))

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
