#!/usr/bin/env python3
"""Bootstrap and run Inroad with nothing but Python >= 3.11 (standard library only).

    python3 dev.py demo [args...]     install runtime deps into .venv, then `inroad demo args...`
    python3 dev.py test [args...]     install runtime + test deps, then run pytest with args...
    python3 dev.py bench [args...]    the same environment, then `bench/run.py args...` (needs wrk)

The virtual environment lives in `.venv` next to this file. Pinned dependencies come from
`requirements/lock.txt` (runtime) and `requirements/lock-test.txt` (runtime + test); they are
installed again only when a lock file or pyproject.toml changes (a hash stamp is kept inside
.venv). Works from any current directory; commands run from the repository root, so pytest
paths are relative to it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCKS = {
    "demo": ROOT / "requirements" / "lock.txt",
    "test": ROOT / "requirements" / "lock-test.txt",
}
# Bump when the install steps below change, so existing .venv folders are refreshed.
INSTALL_RECIPE = "1"
# Noise from machine-wide pip configuration pointing at a missing local index.
PIP_NOISE = re.compile(r"^WARNING: Location '.*' is ignored: it is neither a file nor a directory")
PYTEST_NO_TESTS = 5


def say(msg: str) -> None:
    print(f"dev.py: {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 1) -> None:
    say(f"error: {msg}")
    sys.exit(code)


def venv_works() -> bool:
    if not PY.exists():
        return False
    try:
        probe = subprocess.run(
            [str(PY), "-c", "import pip, sys; print(sys.version_info >= (3, 11))"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0 and probe.stdout.strip() == "True"


def create_venv() -> None:
    if VENV.exists():
        say(".venv is broken or incomplete; recreating it")
        shutil.rmtree(VENV)
    say("creating .venv")
    result = subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)])
    if result.returncode != 0 or not PY.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        die("could not create .venv (on Debian/Ubuntu: apt-get install python3-venv)")
    if not venv_works():
        shutil.rmtree(VENV, ignore_errors=True)
        die(".venv was created without pip (on Debian/Ubuntu: apt-get install python3-venv)")


def pip(*args: str) -> None:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    cmd = [str(PY), "-m", "pip", *args]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if not PIP_NOISE.match(line):
            sys.stderr.write(line)
    if proc.wait() != 0:
        die(f"pip failed (exit {proc.returncode}): {' '.join(args)}")


def stamp_for(profile: str) -> str:
    digest = hashlib.sha256(f"recipe={INSTALL_RECIPE};profile={profile}".encode())
    for path in (LOCKS[profile], ROOT / "pyproject.toml"):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_env(profile: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        die(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    lock = LOCKS[profile]
    if not lock.exists():
        die(f"missing {lock.relative_to(ROOT)}")
    if not venv_works():
        create_venv()
    stamp_file = VENV / f".inroad-{profile}.sha256"
    wanted = stamp_for(profile)
    if stamp_file.exists() and stamp_file.read_text().strip() == wanted:
        return
    say(f"installing {profile} dependencies into .venv (first run takes a minute or two)")
    stamp_file.unlink(missing_ok=True)
    pip("install", "-q", "-r", str(lock))
    pip("install", "-q", "--no-deps", "-e", str(ROOT))
    stamp_file.write_text(wanted + "\n")
    say("dependencies are up to date")


def run_demo(args: list[str]) -> None:
    ensure_env("demo")
    inroad = BIN / ("inroad.exe" if os.name == "nt" else "inroad")
    if not inroad.exists():
        die(f"{inroad} is missing; delete .venv and try again")
    os.chdir(ROOT)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":
        sys.exit(subprocess.call([str(inroad), "demo", *args]))
    os.execv(str(inroad), [str(inroad), "demo", *args])


def run_test(args: list[str]) -> None:
    ensure_env("test")
    cmd = [str(PY), "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider", *args]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        code = proc.wait()
    if code == PYTEST_NO_TESTS:
        say("note: pytest collected no tests for this selection (exit 5); treating it as success")
        code = 0
    sys.exit(code)


def run_bench(args: list[str]) -> None:
    if shutil.which("wrk") is None:
        die("the benchmark drives the server with wrk: install it first (Debian: apt-get install wrk)")
    ensure_env("test")
    os.chdir(ROOT)
    sys.exit(subprocess.call([str(PY), str(ROOT / "bench" / "run.py"), *args]))


def main(argv: list[str]) -> None:
    commands = {"demo": run_demo, "test": run_test, "bench": run_bench}
    if not argv or argv[0] not in commands:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(0 if argv and argv[0] in ("-h", "--help", "help") else 2)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
