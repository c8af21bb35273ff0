"""LibreOffice started headless with a private profile and reached over UNO, for the scripts the
system's python3 runs (lo_edit.py, lo_track_changes.py): `with office(profile) as (desktop, ctx): …`."""

import contextlib
import subprocess
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextlib.contextmanager
def office(profile: str):
    pipe = f"brochure{int(time.time() * 1000) % 10**9}"
    process = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                                f"-env:UserInstallation=file://{profile}",
                                f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        yield desktop, ctx
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down with the office
            pass
    finally:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
