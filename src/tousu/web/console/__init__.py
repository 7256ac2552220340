"""The staff console (SPEC §10 Web): server-rendered pages with htmx, Chinese by default.

``urls`` maps the pages; ``views/`` holds one module per page; ``forms`` and ``action_forms``
validate input; the services of ``tousu.cases`` do every write.
"""
