"""Writes to the offering records, one module a concern; every function is keyword-only and takes ``actor=``.

- ``records``: saving and deleting a record as staff edit it in the admin (and the importer writes it);
- ``supplements``: a supplement's life, draft -> in review -> approved -> filed;
- ``reports``: recording periodic reports and drafting the supplements that must incorporate them;
- ``investors``: adding a registration's investors from a CSV file;
- ``corrections``: the audited correction of a fact a filed supplement states.
- ``staff``: creating a staff user (passwords the validators accept) and enrolling a second factor.
"""
