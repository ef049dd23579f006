"""Helpers that the notebooks' tests share; they are not part of the package.

`nbdev_test` runs each notebook in this directory, so its test cells import them with `from _testing import ...`.
"""
import os, subprocess, tempfile, threading, warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def small_tmpfs(size: str = "1m",  # the size of the file system, as `mount -o size=` takes it
                ) -> Iterator[Path | None]:  # the mount point, or None where a tmpfs can't be mounted
    "Mount a small `tmpfs` on a temporary directory (for full-disk tests, as root); warn and yield None elsewhere"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        warnings.warn("SKIPPED full-disk test: mounting a tmpfs needs root")
        yield None
        return
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", d], capture_output=True, text=True)
        if r.returncode:
            warnings.warn(f"SKIPPED full-disk test: mount -t tmpfs failed: {r.stderr.strip()[:200]}")
            yield None
            return
        try:
            yield Path(d)
        finally:
            if subprocess.run(["umount", d], capture_output=True).returncode:
                subprocess.run(["umount", "-l", d], capture_output=True)


def fill_disk(d: Path,  # a directory on the file system to fill
              leave: int = 0,  # bytes to leave free
              ) -> Path:  # the filler file (delete it to free the space)
    "Fill the file system of `d` with one file, leaving `leave` bytes free"
    st = os.statvfs(d)
    filler = Path(d) / ".filler"
    with open(filler, "ab") as f:
        f.write(bytes(max(st.f_bavail * st.f_frsize - leave, 0)))
    return filler


def fifo_fed(d, data: bytes, pieces: int = 7) -> Path:
    "A new named pipe in `d` that a thread fills with `data`, in `pieces` writes, once a reader opens it"
    f = Path(d) / f"fifo{len(os.listdir(d))}"
    os.mkfifo(f)

    def feed():
        with open(f, "wb") as w:
            for i in range(pieces):
                w.write(data[i * len(data) // pieces:(i + 1) * len(data) // pieces])

    threading.Thread(target=feed, daemon=True).start()
    return f
