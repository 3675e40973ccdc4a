"""An analyst's baseline of the built-in schemes' rules, written from docs and TOML, not from cstui.

The rules come from `/work/shared/domain.md` (the domain digest, including "Rules settled where
the documents are silent") and the numbers from `schemes/*.toml`, read here with tomllib; nothing
is imported from `cstui`. Two independent versions, one per library, the way an analyst would
write them: read the rows from the SQLite file, decode the JSON values, compute every month's
score for every employee at once, then walk the levels month by month (or quarter by quarter)
over whole columns, and rank within teams.

Exactness (domain.md: thresholds compare exact values) without Decimal objects: every value is
parsed to a whole number of fixed-point units (fen for money, 1e-6 otherwise; a value that does
not fit its units stops the run), and thresholds are compared as integer cross-products.

What the bench company holds is modelled; what it does not (overrides, scheme changes in an
employee's timeline, more than one star-levels KPI) stops the run with the reason rather than
giving a different answer (:func:`analyst.params.unsupported`).
"""
