"""The deployment of docs/deploy.md, for real: a service account owns the database (0600), an
sshd on 127.0.0.1 lets two people in with keys whose forced command is ``cstui shell LOGIN``.

Proves: each person is who their key says; a supervisor sees only their team; no key gets a
shell, sqlite3 or the file's bytes; --db is refused; the file is unreadable to other accounts.
Skipped (with the reason) where sshd, root or useradd is missing, or sshd cannot start.
"""

from __future__ import annotations

import csv
import io
import os
import pwd
import secrets
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"
TODAY = "2026-11-15"


def _why_not() -> str | None:
    if not os.path.exists(SSHD):
        return f"{SSHD} is not installed (apt-get install openssh-server)"
    if os.geteuid() != 0:
        return "needs root to add throw-away accounts and start sshd"
    for tool in ("useradd", "usermod", "userdel", "ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_account(name: str, home: Path) -> pwd.struct_passwd:
    made = run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name])
    if made.returncode != 0:
        pytest.skip(f"useradd failed: {made.stderr.strip()}")
    run(["usermod", "-p", "*", name])  # no password, but not locked: a key may log in
    return pwd.getpwnam(name)


def service_python(account: pwd.struct_passwd, root: Path) -> str:
    """An interpreter the service account can run with cstui importable: this one, or (when this
    one lives where the account cannot reach, e.g. root's home) a venv of the system's python3
    whose .pth adds this environment's packages."""
    if _can_run(sys.executable, account):
        return sys.executable
    venv = root / "venv"
    if run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(venv)]).returncode == 0:
        site = Path(
            run(
                [str(venv / "bin" / "python3"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
            ).stdout.strip()
        )
        (site / "cstui-under-test.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
        )
        if _can_run(str(venv / "bin" / "python3"), account):
            return str(venv / "bin" / "python3")
    pytest.skip("no Python >= 3.11 with cstui that the service account can run")


def _can_run(python: str, account: pwd.struct_passwd) -> bool:
    try:
        probe = run(
            [python, "-c", "import sys, cstui.cli, cstui_plugins, textual; assert sys.version_info >= (3, 11)"],
            user=account.pw_uid,
            group=account.pw_gid,
            extra_groups=[],
            cwd="/",
            env={"PATH": "/usr/bin:/bin"},
        )
    except OSError:  # not executable by the account
        return False
    return probe.returncode == 0


@pytest.fixture(scope="module")
def deployment():
    root = Path(tempfile.mkdtemp(prefix="cstui-deploy-", dir="/tmp"))
    root.chmod(0o755)
    suffix = secrets.token_hex(3)
    svc_name, person_name = f"cstuisvc{suffix}", f"cstuippl{suffix}"
    try:
        svc = add_account(svc_name, root / "home")
        person = add_account(person_name, root / "nohome")
        yield from _deploy(root, svc, person)
    finally:
        for name in (svc_name, person_name):
            run(["userdel", name])
        shutil.rmtree(root, ignore_errors=True)


def _deploy(root: Path, svc, person):
    srv = root / "srv"
    srv.mkdir(mode=0o700)
    os.chown(srv, svc.pw_uid, svc.pw_gid)
    db = srv / "company.db"
    python = service_python(svc, root)
    as_svc = {"user": svc.pw_uid, "group": svc.pw_gid, "extra_groups": []}
    made = run(
        [python, "-m", "cstui", "demo", "--db", str(db), "--employees", "12", "--months", "3"],
        env={"PATH": "/usr/bin:/bin", "CSTUI_TODAY": TODAY, "HOME": str(root)},
        cwd="/",
        **as_svc,
    )
    assert made.returncode == 0, made.stderr
    keys = {}
    for login in ("wang.supervisor", "li.manager"):
        key = root / login
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)]).check_returncode()
        keys[login] = key
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(root / "hostkey")]).check_returncode()
    lines = [
        f'command="{python} -m cstui --db {db} shell {login}",restrict ' + Path(f"{key}.pub").read_text().strip()
        for login, key in keys.items()
    ]
    (root / "authorized_keys").write_text("\n".join(lines) + "\n")
    port = free_port()
    (root / "sshd_config").write_text(_sshd_config(root, port, svc.pw_name))
    os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory
    sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(root / "sshd_config")], stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(port, sshd)
        yield {"root": root, "db": db, "svc": svc, "person": person, "port": port, "keys": keys}
    finally:
        sshd.terminate()
        sshd.wait(timeout=10)


def _sshd_config(root: Path, port: int, account: str) -> str:
    """A throw-away sshd on 127.0.0.1 that lets in only the service account, by key."""
    lines = [
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {root / 'hostkey'}",
        f"PidFile {root / 'sshd.pid'}",
        f"AuthorizedKeysFile {root / 'authorized_keys'}",
        "UsePAM no",
        "StrictModes no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        f"AllowUsers {account}",
        "PermitUserEnvironment no",
        "Subsystem sftp /usr/lib/openssh/sftp-server",
    ]
    return "\n".join(lines) + "\n"


def _wait_for(port: int, sshd: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if sshd.poll() is not None:
            pytest.skip(f"sshd could not start: {sshd.stderr.read().strip()[-300:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.skip("sshd did not listen within 10 s")


def ssh(d, login: str, command: str, stdin: str | None = None):
    return subprocess.run(
        [
            "ssh",
            "-F",
            "/dev/null",
            "-i",
            str(d["keys"][login]),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-p",
            str(d["port"]),
            "--",
            f"{d['svc'].pw_name}@127.0.0.1",
            command,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def teams_in(csv_text: str) -> set[str]:
    return {row["team"] for row in csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))}


def test_a_supervisor_sees_only_their_team_and_a_manager_every_team(deployment):
    wang = ssh(deployment, "wang.supervisor", "--scheme star-levels --period 2026-10 --format csv")
    assert wang.returncode == 0, wang.stderr
    assert teams_in(wang.stdout) == {"hotline"}
    li = ssh(deployment, "li.manager", "--scheme star-levels --period 2026-10 --format csv")
    assert li.returncode == 0, li.stderr
    assert teams_in(li.stdout) > {"hotline"}


def test_each_key_is_its_login(deployment):
    refused = ssh(deployment, "wang.supervisor", "period close 2026-08")
    assert refused.returncode == 4 and "wang.supervisor" in refused.stderr  # a supervisor may not close
    closed = ssh(deployment, "li.manager", "period close 2026-08")
    assert closed.returncode == 0, closed.stderr
    listed = ssh(deployment, "wang.supervisor", "period list")
    assert any(line.split()[:3] == ["2026-08", "closed", "li.manager"] for line in listed.stdout.splitlines()), (
        listed.stdout
    )
    cards = "employee_id,sales_target,sales_actual\nE0001,100,140\n"
    imported = ssh(
        deployment, "wang.supervisor", "import scorecards - --period 2026-10 --scheme star-levels", stdin=cards
    )
    assert imported.returncode == 0, imported.stderr
    conn = sqlite3.connect(f"file:{deployment['db']}?immutable=1", uri=True)  # root reads; nobody writes now
    who = conn.execute("SELECT who FROM audit WHERE entity = 'scorecards' ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert who == "wang.supervisor"


@pytest.mark.parametrize(
    "command",
    [
        "bash",
        "sh -c id",
        "id",
        "sqlite3 {db} .dump",
        "cat {db}",
        "--db /tmp/other.db period list",
        "python3 -c 'import os; os.system(\"id\")'",
        "shell li.manager",
        "init /tmp/x.db",
        "--scheme star-levels --period 2026-10 --output {db}",
    ],
)
def test_no_key_gets_a_shell_sqlite3_the_file_or_another_db(deployment, command):
    result = ssh(deployment, "wang.supervisor", command.format(db=deployment["db"]))
    assert result.returncode == 4, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "uid=" not in result.stderr and "SQLite format" not in result.stderr


def test_the_file_belongs_to_the_service_account_alone(deployment):
    db, svc, person = deployment["db"], deployment["svc"], deployment["person"]
    for part in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if part.exists():
            info = part.stat()
            assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (svc.pw_uid, 0o600), part
    as_person = run(["cat", str(db)], user=person.pw_uid, group=person.pw_gid, extra_groups=[], cwd="/")
    assert as_person.returncode != 0 and "Permission denied" in as_person.stderr and as_person.stdout == ""


def test_sftp_and_scp_get_nothing_and_leave_nothing_running(deployment, tmp_path):
    common = [
        "-F",
        "/dev/null",
        "-i",
        str(deployment["keys"]["wang.supervisor"]),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-P",
        str(deployment["port"]),
    ]
    target = f"{deployment['svc'].pw_name}@127.0.0.1"
    stolen = tmp_path / "stolen.db"
    # the subsystem runs the forced command with no command: cstui must refuse, not wait for a TUI
    sftp = subprocess.run(
        ["sftp", *common, "-b", "-", target],
        input=f"get {deployment['db']} {stolen}\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    scp = subprocess.run(
        ["scp", "-O", *common, f"{target}:{deployment['db']}", str(stolen)], capture_output=True, text=True, timeout=30
    )
    assert sftp.returncode != 0 and scp.returncode != 0
    assert not stolen.exists()
    deadline = time.monotonic() + 5  # sshd's own session processes may take a moment to go
    while left := run(["pgrep", "-a", "-u", str(deployment["svc"].pw_uid), "-f", "-m cstui"]).stdout.strip():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == "", f"cstui still running for the service account: {left}"
