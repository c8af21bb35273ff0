"""Run by the system's python3 (it has LibreOffice's `uno`): open DOCX files in one headless
LibreOffice, accept or reject all their tracked changes (or neither: a plain round trip), save
each as DOCX.

    python3 lo_track_changes.py PROFILE_DIR accept|reject|keep,IN.docx,OUT.docx …
"""

import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(profile: str, jobs: list[str]) -> None:
    pipe = f"brochure{int(time.time() * 1000) % 10**9}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                               f"-env:UserInstallation=file://{profile}",
                               f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for job in jobs:
            action, src, dst = job.split(",")
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (_prop("Hidden", True),))
            if action != "keep":
                command = ".uno:AcceptAllTrackedChanges" if action == "accept" else ".uno:RejectAllTrackedChanges"
                dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
            doc.storeToURL(uno.systemPathToFileUrl(dst), (_prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down with the office
            pass
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
