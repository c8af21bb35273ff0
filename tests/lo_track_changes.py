"""Run by the system's python3 (it has LibreOffice's `uno`): open DOCX files in one headless
LibreOffice, accept or reject all their tracked changes (or neither: a plain round trip), save
each as DOCX.

    python3 lo_track_changes.py PROFILE_DIR accept|reject|keep,IN.docx,OUT.docx …
"""

import sys

import uno

from lo_uno import office, prop


def main(profile: str, jobs: list[str]) -> None:
    with office(profile) as (desktop, ctx):
        dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for job in jobs:
            action, src, dst = job.split(",")
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
            if action != "keep":
                command = ".uno:AcceptAllTrackedChanges" if action == "accept" else ".uno:RejectAllTrackedChanges"
                dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
            doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
