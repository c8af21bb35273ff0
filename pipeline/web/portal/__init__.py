"""`brochure serve`: the web portal through which municipalities draft their strategy.

A front for the same engine as the CLI: the same scaffold (init-draft), the same draft build,
checks and diff report, with the town's files kept under one data folder (store.py), drafts
built by a pool of warm workers (jobs.py) and findings worded in German (findings_de.py).
"""
