"""Reads of the offering records: ``records`` looks records up, ``facts`` turns them into the rules' plain facts."""
